// WorkerWeb: the worker's status page (/) and its JSON (/api/status): host,
// jobtracker, slots, running and recent attempts, shuffle bytes. Links to attempts
// and jobs go to the jobtracker's pages.
//
// Thread-safe: handlers read Worker::Status() and render it.
#ifndef HAYLOFT_WORKER_WORKER_WEB_H_
#define HAYLOFT_WORKER_WORKER_WEB_H_

#include <httplib.h>

namespace hayloft::worker {

class Worker;

class WorkerWeb {
 public:
  // `worker` must outlive the server the pages are registered on.
  explicit WorkerWeb(const Worker* worker) : worker_(worker) {}

  void Register(httplib::Server& server) const;

 private:
  void StatusPage(httplib::Response& res) const;
  void StatusJson(httplib::Response& res) const;

  const Worker* worker_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_WEB_H_
