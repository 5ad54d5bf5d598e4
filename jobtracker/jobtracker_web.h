// JobtrackerWeb: the jobtracker's status pages and the JSON behind them.
//   /              jobs: running, succeeded, failed and killed, with progress
//   /job?id=       one job: progress, counters, map locality, the attempt timeline
//   /attempt?id=   one attempt: state, diagnostics, the tail of its log
//   /workers       workers: slots, last heartbeat, live or lost, links to their pages
//   /api/jobs, /api/job?id=, /api/attempt?id=, /api/workers: the same data as JSON
// Pages are static shells whose script polls the /api/ JSON (same origin only: the
// attempt log is fetched from the worker by the jobtracker, not by the browser).
//
// Thread-safe: handlers only read Jobtracker snapshots and render them.
#ifndef HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_H_
#define HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_H_

#include <httplib.h>

#include <string>

namespace hayloft::jobtracker {

class Jobtracker;

class JobtrackerWeb {
 public:
  // `jobtracker` must outlive the server the pages are registered on.
  explicit JobtrackerWeb(const Jobtracker* jobtracker) : jt_(jobtracker) {}

  void Register(httplib::Server& server) const;

 private:
  void JobsPage(httplib::Response& res) const;
  void JobPage(httplib::Response& res) const;
  void AttemptPage(httplib::Response& res) const;
  void WorkersPage(httplib::Response& res) const;
  void JobsJson(httplib::Response& res) const;
  void JobJson(const std::string& id, httplib::Response& res) const;
  void AttemptJson(const std::string& id, httplib::Response& res) const;
  void WorkersJson(httplib::Response& res) const;
  std::string DaemonLabel() const;

  const Jobtracker* jt_;
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_H_
