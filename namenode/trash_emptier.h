// TrashEmptier: the namenode's trash emptier thread (HDFS's TrashPolicyDefault
// Emptier). Every emptier interval, at multiples of it since the epoch, it deletes
// the expired checkpoints of every user's trash and checkpoints each Current, as
// the superuser, straight on the Namesystem.
#ifndef HAYLOFT_NAMENODE_TRASH_EMPTIER_H_
#define HAYLOFT_NAMENODE_TRASH_EMPTIER_H_

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "namenode/namenode_options.h"
#include "namenode/namesystem.h"

namespace hayloft {

// Start() and Stop() are called by the Namenode only; the thread is the only user
// of its state.
class TrashEmptier {
 public:
  TrashEmptier(Namesystem* namesystem, const NamenodeOptions& options)
      : namesystem_(namesystem), options_(options) {}
  ~TrashEmptier() { Stop(); }

  // Does nothing when fs.trash.interval is 0.
  void Start();
  void Stop();
  // One pass over every user's trash, as the thread makes at `now`.
  void RunOnce(absl::Time now);

 private:
  void Loop(absl::Duration interval);

  Namesystem* const namesystem_;
  const NamenodeOptions& options_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_TRASH_EMPTIER_H_
