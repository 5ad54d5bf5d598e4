#include "worker/streaming_job.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern char** environ;

#include "client/job_conf.h"

namespace hayloft::worker {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "streaming: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

// One running command with a pipe to its stdin and one from its stdout. Writes
// interleave with reads so neither side can block the other.
class StreamProcess {
 public:
  using LineFn = std::function<void(std::string_view)>;

  StreamProcess(const std::string& command, const std::string& dir,
                const std::vector<std::pair<std::string, std::string>>& env, LineFn on_line)
      : command_(command), on_line_(std::move(on_line)) {
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls (no malloc) in a multithreaded process.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view entry(*e);
      bool overridden = entry.rfind("PATH=", 0) == 0;
      for (const auto& [k, v] : env) overridden |= entry.rfind(k + "=", 0) == 0;
      if (!overridden) env_strings.emplace_back(entry);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    const char* path = std::getenv("PATH");
    env_strings.push_back("PATH=" + dir + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
    std::vector<char*> envp;
    for (std::string& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) Die("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) Die("fork failed");
    if (pid_ == 0) {
      ::dup2(in[0], 0);  // dup2 clears close-on-exec on 0 and 1
      ::dup2(out[1], 1);
      if (::chdir(dir.c_str()) != 0) _exit(126);
      ::execve("/bin/sh", argv, envp.data());
      _exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    // Writes must not block: the command may be blocked writing its output to us.
    ::fcntl(to_child_, F_SETFL, ::fcntl(to_child_, F_GETFL) | O_NONBLOCK);
    ::signal(SIGPIPE, SIG_IGN);
  }

  void WriteLine(std::string_view a, std::string_view b, bool with_key) {
    pending_.append(a);
    if (with_key) {
      pending_.push_back('\t');
      pending_.append(b);
    }
    pending_.push_back('\n');
    if (pending_.size() >= (64 << 10)) Pump(false);
  }

  // Closes the command's stdin, reads the rest of its output, waits for it.
  void Finish() {
    Pump(false);
    ::close(to_child_);
    to_child_ = -1;
    Pump(true);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    if (!line_.empty()) on_line_(line_);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      Die("subprocess failed with code " +
          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
          ": " + command_);
    }
  }

 private:
  // Writes all of pending_ (unless to_eof, where stdin is closed) and reads what
  // the command has written meanwhile; with to_eof, reads until it closes stdout.
  void Pump(bool to_eof) {
    while (true) {
      bool want_write = !pending_.empty() && to_child_ >= 0;
      if (!want_write && !to_eof) return;
      pollfd fds[2] = {{from_child_, POLLIN, 0}, {want_write ? to_child_ : -1, POLLOUT, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        Die("poll failed");
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[64 << 10];
        ssize_t n = ::read(from_child_, buf, sizeof(buf));
        if (n > 0) {
          Consume(std::string_view(buf, static_cast<size_t>(n)));
        } else if (n == 0 && to_eof) {
          return;
        } else if (n == 0) {
          from_child_closed_ = true;
        }
      }
      if (want_write && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n = ::write(to_child_, pending_.data(), pending_.size());
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
          // The command stopped reading (exited): Finish reports its status.
          pending_.clear();
          continue;
        }
        if (n > 0) pending_.erase(0, static_cast<size_t>(n));
      }
      if (from_child_closed_ && !to_eof && pending_.empty()) return;
    }
  }

  void Consume(std::string_view data) {
    size_t start = 0;
    for (size_t nl; (nl = data.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      line_.append(data.substr(start, nl - start));
      on_line_(line_);
      line_.clear();
    }
    line_.append(data.substr(start));
  }

  std::string command_;
  LineFn on_line_;
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  bool from_child_closed_ = false;
  std::string pending_;
  std::string line_;
};

void EmitLine(std::string_view line, const std::function<void(std::string_view,
                                                               std::string_view)>& emit) {
  size_t tab = line.find('\t');
  if (tab == std::string_view::npos) {
    emit(line, "");
  } else {
    emit(line.substr(0, tab), line.substr(tab + 1));
  }
}

class StreamingMapper final : public mr::Mapper {
 public:
  explicit StreamingMapper(std::string dir) : dir_(std::move(dir)) {}
  void Setup(mr::MapContext& ctx) override {
    with_key_ = ctx.GetConf(std::string(jobconf::kInputFormat), "text") != "text";
    std::string file = ctx.input_file();
    proc_ = std::make_unique<StreamProcess>(
        ctx.GetConf(std::string(jobconf::kStreamMapper), "cat"), dir_,
        std::vector<std::pair<std::string, std::string>>{
            {"mapreduce_map_input_file", file}, {"map_input_file", file},
            {"mapreduce_task_partition", std::to_string(ctx.task_index())}},
        [&ctx](std::string_view line) {
          EmitLine(line, [&ctx](std::string_view k, std::string_view v) { ctx.Emit(k, v); });
        });
  }
  void Map(std::string_view key, std::string_view value, mr::MapContext&) override {
    if (with_key_) {
      proc_->WriteLine(key, value, true);
    } else {
      proc_->WriteLine(value, "", false);
    }
  }
  void Cleanup(mr::MapContext&) override { proc_->Finish(); }

 private:
  std::string dir_;
  bool with_key_ = false;
  std::unique_ptr<StreamProcess> proc_;
};

class StreamingReducer final : public mr::Reducer {
 public:
  StreamingReducer(std::string dir, std::string key) : dir_(std::move(dir)), key_(std::move(key)) {}
  void Setup(mr::ReduceContext& ctx) override {
    proc_ = std::make_unique<StreamProcess>(
        ctx.GetConf(key_, "cat"), dir_,
        std::vector<std::pair<std::string, std::string>>{
            {"mapreduce_task_partition", std::to_string(ctx.task_index())}},
        [&ctx](std::string_view line) {
          EmitLine(line, [&ctx](std::string_view k, std::string_view v) { ctx.Emit(k, v); });
        });
  }
  void Reduce(std::string_view key, mr::ValueIterator& values, mr::ReduceContext&) override {
    std::string_view v;
    while (values.Next(v)) proc_->WriteLine(key, v, true);
  }
  void Cleanup(mr::ReduceContext&) override { proc_->Finish(); }

 private:
  std::string dir_, key_;
  std::unique_ptr<StreamProcess> proc_;
};

class StreamingJob final : public mr::Job {
 public:
  explicit StreamingJob(std::string dir) : dir_(std::move(dir)) {}
  std::string Configure(const std::vector<std::string>&, mr::JobSpec&) override { return ""; }
  std::unique_ptr<mr::Mapper> NewMapper() override {
    return std::make_unique<StreamingMapper>(dir_);
  }
  std::unique_ptr<mr::Reducer> NewReducer() override {
    return std::make_unique<StreamingReducer>(dir_, std::string(jobconf::kStreamReducer));
  }
  std::unique_ptr<mr::Reducer> NewCombiner() override {
    return std::make_unique<StreamingReducer>(dir_, std::string(jobconf::kStreamCombiner));
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<mr::Job> NewStreamingJob(const std::string& attempt_dir) {
  return std::make_unique<StreamingJob>(attempt_dir);
}

}  // namespace hayloft::worker
