// hayloft-task ATTEMPT_DIR: runs one task attempt (started by hayloft-worker, one
// process per attempt so that a crash in user code fails only the attempt). Reads
// ATTEMPT_DIR/task.pb; see worker/task_runner.h.
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>

#include "common/base/logging.h"
#include "proto/jobtracker.pb.h"
#include "worker/task_runner.h"

int main(int argc, char** argv) {
  hayloft::logging::Init(argv[0]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: hayloft-task ATTEMPT_DIR (started by hayloft-worker)\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::ifstream in(dir + "/task.pb", std::ios::binary);
  std::stringstream data;
  data << in.rdbuf();
  const bool read_ok = static_cast<bool>(in);
  in.close();  // not inherited by streaming commands
  hayloft::TaskSpec spec;
  if (!read_ok || !spec.ParseFromString(data.str())) {
    std::fprintf(stderr, "hayloft-task: cannot read %s/task.pb\n", dir.c_str());
    return 2;
  }
  LOG(INFO) << "running " << spec.attempt_id();
  // User code may throw; an escaping exception fails the attempt with its message.
  try {
    hayloft::worker::TaskRunner runner(std::move(spec), dir);
    return runner.Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uncaught exception in task: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "uncaught exception of unknown type in task\n");
  }
  return hayloft::worker::kTaskExitFailed;
}
