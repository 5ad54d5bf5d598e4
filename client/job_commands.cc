#include "client/job_commands.h"

#include <fnmatch.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/dfs_client.h"
#include "client/job_client.h"
#include "client/job_conf.h"
#include "client/job_library.h"
#include "client/job_sampler.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(250);

struct Clients {
  std::unique_ptr<DfsClient> dfs;
  std::unique_ptr<JobClient> jobs;
  std::string default_fs;  // hdfs://host:port
};

absl::StatusOr<Clients> MakeClients(const Configuration& conf) {
  Clients c;
  HL_ASSIGN_OR_RETURN(DfsClientOptions dfs_options, DfsClientOptions::FromConfig(conf));
  c.default_fs = absl::StrCat("hdfs://", dfs_options.namenode_address);
  HL_ASSIGN_OR_RETURN(c.dfs, DfsClient::Create(std::move(dfs_options)));
  HL_ASSIGN_OR_RETURN(JobClientOptions job_options, JobClientOptions::FromConfig(conf));
  c.jobs = std::make_unique<JobClient>(std::move(job_options));
  return c;
}

absl::StatusOr<std::string> ReadLocalFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read local file ", file));
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

std::string Percent(float f) { return absl::StrCat(static_cast<int>(f * 100 + 1e-4)); }

void PrintCounters(const JobStatus& s, std::ostream& out) {
  out << "Counters: " << s.counters_size() << "\n";
  std::string group;
  for (const Counter& c : s.counters()) {
    if (c.group() != group) {
      group = c.group();
      out << "\t" << group << "\n";
    }
    out << "\t\t" << c.name() << "=" << c.value() << "\n";
  }
}

// Polls until the job ends, printing " map X% reduce Y%" on every change.
int WaitForJob(JobClient& jobs, const std::string& job_id) {
  std::cerr << "Running job: " << job_id << std::endl;
  std::string last;
  int errors = 0;
  while (true) {
    absl::StatusOr<JobStatus> s = jobs.GetJobStatus(job_id);
    if (!s.ok()) {
      if (++errors >= 20) {
        std::cerr << "Lost track of job " << job_id << ": " << s.status().message() << "\n";
        return 1;
      }
      absl::SleepFor(kPollInterval);
      continue;
    }
    errors = 0;
    std::string line = absl::StrCat(" map ", Percent(s->map_progress()), "% reduce ",
                                    Percent(s->reduce_progress()), "%");
    if (line != last) {
      std::cerr << line << std::endl;
      last = line;
    }
    if (IsFinished(s->state())) {
      if (s->state() == JOB_SUCCEEDED) {
        std::cerr << "Job " << job_id << " completed successfully\n";
      } else {
        std::cerr << "Job " << job_id << " failed with state " << JobStateName(s->state())
                  << " due to: " << s->diagnostics() << "\n";
      }
      PrintCounters(*s, std::cerr);
      return s->state() == JOB_SUCCEEDED ? 0 : 1;
    }
    absl::SleepFor(kPollInterval);
  }
}

// Uploads the library and shipped files to the staging dir, submits, waits.
int SubmitAndWait(Clients& c, const Configuration& conf, std::map<std::string, std::string> job_conf,
                  const std::string& library, const std::vector<std::string>& files,
                  const std::string& command) {
  const std::string user = c.dfs->options().user;
  job_conf[std::string(jobconf::kUser)] = user;
  absl::StatusOr<std::string> job_id = c.jobs->GetNewJobId(user);
  if (!job_id.ok()) {
    std::cerr << command << ": " << job_id.status().message() << "\n";
    return 1;
  }
  const std::string staging = path::Join(
      path::Join(conf.GetString(jobconf::kStagingRoot, "/tmp/hayloft/mapred/staging"), user),
      path::Join(".staging", *job_id));
  auto upload = [&](const std::string& local, const std::string& name) -> absl::StatusOr<std::string> {
    HL_ASSIGN_OR_RETURN(std::string data, ReadLocalFile(local));
    std::string dst = path::Join(staging, name);
    CreateOptions o;
    o.overwrite = true;
    HL_RETURN_IF_ERROR(c.dfs->WriteFile(dst, data, o));
    return dst;
  };
  absl::Status s;
  if (!library.empty()) {
    absl::StatusOr<std::string> dst = upload(library, "job.so");
    s = dst.status();
    if (s.ok()) job_conf[std::string(jobconf::kLibrary)] = *dst;
  }
  std::vector<std::string> shipped;
  for (const std::string& f : files) {
    if (!s.ok()) break;
    absl::StatusOr<std::string> dst = upload(f, path::Join("files", path::Basename(f)));
    s = dst.status();
    if (s.ok()) shipped.push_back(*dst);
  }
  if (!shipped.empty()) job_conf[std::string(jobconf::kStreamFiles)] = absl::StrJoin(shipped, ",");
  job_conf["hayloft.job.staging.dir"] = staging;
  absl::StatusOr<JobStatus> status =
      s.ok() ? c.jobs->SubmitJob(*job_id, user, job_conf) : absl::StatusOr<JobStatus>(s);
  if (!status.ok()) {
    c.dfs->Delete(staging, true).IgnoreError();
    std::cerr << command << ": " << status.status().message() << "\n";
    return 1;
  }
  return WaitForJob(*c.jobs, *job_id);
}

// A job's name: -D mapreduce.job.name if given (the user names this run), else
// the name the job gave itself, else `fallback`.
std::string JobName(const mr::JobSpec& spec, const std::string& fallback) {
  auto named = spec.conf.find(std::string(jobconf::kJobName));
  if (named != spec.conf.end() && !named->second.empty()) return named->second;
  return spec.name.empty() ? fallback : spec.name;
}

absl::StatusOr<std::string> Qualify(DfsClient& dfs, const std::string& p) {
  return path::Normalize(p, dfs.working_dir());
}

}  // namespace

int RunJarCommand(const std::vector<std::string>& args, const Configuration& base_conf) {
  if (args.empty()) {
    std::cerr << "Usage: hayloft jar LIB.so [-D key=value ...] [args...]\n";
    return 2;
  }
  const std::string library = args[0];
  absl::StatusOr<GenericOptions> more =
      ParseGenericOptions(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!more.ok()) {
    std::cerr << "jar: " << more.status().message() << "\n";
    return 2;
  }
  Configuration conf = base_conf;
  for (const auto& [k, v] : more->conf.values()) conf.Set(k, v);
  absl::StatusOr<std::unique_ptr<JobLibrary>> lib = JobLibrary::Load(library);
  if (!lib.ok()) {
    std::cerr << "jar: " << lib.status().message() << "\n";
    return 1;
  }
  std::unique_ptr<mr::Job> job = (*lib)->NewJob();
  mr::JobSpec spec;
  spec.conf.insert(conf.values().begin(), conf.values().end());
  std::string error = job->Configure(more->args, spec);
  if (!error.empty()) {
    std::cerr << error << "\n";
    return 2;
  }
  int reduces = spec.num_reduces;
  if (reduces < 0) {
    auto it = spec.conf.find(std::string(jobconf::kNumReduces));
    if (it == spec.conf.end()) {
      reduces = 1;
    } else if (!absl::SimpleAtoi(it->second, &reduces) || reduces < 0) {
      std::cerr << "jar: invalid value for " << jobconf::kNumReduces << ": '" << it->second
                << "'\n";
      return 1;
    }
  }
  if (reduces > 0 && job->NewReducer() == nullptr) {
    std::cerr << "jar: " << library << " makes no reducer, so it can only run map-only jobs "
              << "(-D " << jobconf::kNumReduces << "=0)\n";
    return 1;
  }
  absl::StatusOr<Clients> c = MakeClients(conf);
  if (!c.ok()) {
    std::cerr << "jar: " << c.status().message() << "\n";
    return 1;
  }
  spec.name = JobName(spec, path::Basename(library));
  for (std::string& p : spec.input_paths) {
    absl::StatusOr<std::string> q = Qualify(*c->dfs, p);
    if (!q.ok()) {
      std::cerr << "jar: bad input path '" << p << "': " << q.status().message() << "\n";
      return 2;
    }
    p = *q;
  }
  if (!spec.output_path.empty()) {
    absl::StatusOr<std::string> q = Qualify(*c->dfs, spec.output_path);
    if (!q.ok()) {
      std::cerr << "jar: bad output path: " << q.status().message() << "\n";
      return 2;
    }
    spec.output_path = *q;
  }
  std::map<std::string, std::string> job_conf = jobconf::SpecToConf(spec);
  if (spec.total_order_partition && reduces > 1 && job->NewPartitioner() == nullptr) {
    if (spec.input_format != mr::InputFormat::kFixedLengthRecords) {
      std::cerr << "jar: total-order partitioning needs fixed-length input records\n";
      return 1;
    }
    absl::StatusOr<std::vector<std::string>> cuts = SampleSplitPoints(
        c->dfs.get(), spec.input_paths,
        {.record_length = spec.record_length, .key_length = spec.key_length,
         .num_partitions = reduces});
    if (!cuts.ok()) {
      std::cerr << "jar: sampling the input: " << cuts.status().message() << "\n";
      return 1;
    }
    job_conf[std::string(jobconf::kPartitionCuts)] = EncodeSplitPoints(*cuts);
  }
  return SubmitAndWait(*c, conf, std::move(job_conf), library, {}, "jar");
}

namespace {

constexpr char kStreamingUsage[] =
    "Usage: hayloft streaming [-D k=v ...] -input PATH [-input PATH ...] -output PATH\n"
    "         -mapper CMD [-reducer CMD|NONE] [-combiner CMD] [-file LOCAL_FILE ...]\n"
    "         [-numReduceTasks N]\n";

// Expands a glob in the last component of `p` (*, ?, [..]) against the DFS.
absl::StatusOr<std::vector<std::string>> ExpandGlob(DfsClient& dfs, const std::string& p) {
  if (p.find_first_of("*?[") == std::string::npos) return std::vector<std::string>{p};
  std::string dir = path::Parent(p), pattern = path::Basename(p);
  std::vector<std::string> out;
  absl::StatusOr<std::vector<FileStatus>> children = dfs.ListStatus(dir);
  if (children.ok()) {
    for (const FileStatus& c : *children) {
      if (::fnmatch(pattern.c_str(), c.path().c_str(), 0) == 0) out.push_back(path::Join(dir, c.path()));
    }
  }
  if (out.empty()) return absl::NotFoundError(absl::StrCat("Input Pattern ", p, " matches 0 files"));
  return out;
}

// The program a command runs must exist: shipped with -file, a path, or in PATH.
absl::Status CheckCommand(const std::string& cmd, const std::vector<std::string>& files) {
  std::vector<std::string> words = absl::StrSplit(cmd, ' ', absl::SkipEmpty());
  if (words.empty()) return absl::InvalidArgumentError("empty command");
  const std::string& prog = words[0];
  for (const std::string& f : files) {
    if (path::Basename(f) == prog || f == prog) return absl::OkStatus();
  }
  if (prog.find('/') != std::string::npos) {
    if (::access(prog.c_str(), X_OK) == 0) return absl::OkStatus();
  } else {
    const char* env = std::getenv("PATH");
    for (absl::string_view dir : absl::StrSplit(env ? env : "/usr/bin:/bin", ':')) {
      if (::access(absl::StrCat(dir, "/", prog).c_str(), X_OK) == 0) return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("Cannot run program \"", prog,
                                          "\": error=2, No such file or directory"));
}

}  // namespace

int RunStreamingCommand(const std::vector<std::string>& args, const Configuration& base_conf) {
  Configuration conf = base_conf;
  std::vector<std::string> inputs, files;
  std::string output, mapper, reducer, combiner, reduces;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) {
      std::cerr << "streaming: missing value for " << a << "\n" << kStreamingUsage;
      return 2;
    }
    const std::string& v = args[++i];
    if (a == "-input") inputs.push_back(v);
    else if (a == "-output") output = v;
    else if (a == "-mapper") mapper = v;
    else if (a == "-reducer") reducer = v;
    else if (a == "-combiner") combiner = v;
    else if (a == "-file") files.push_back(v);
    else if (a == "-numReduceTasks") reduces = v;
    else if (a == "-D") {
      if (absl::Status s = conf.SetFromArg(v); !s.ok()) {
        std::cerr << "streaming: " << s.message() << "\n";
        return 2;
      }
    } else {
      std::cerr << "streaming: unknown option " << a << "\n" << kStreamingUsage;
      return 2;
    }
  }
  if (inputs.empty() || output.empty() || mapper.empty()) {
    std::cerr << "streaming: -input, -output and -mapper are required\n" << kStreamingUsage;
    return 2;
  }
  for (const std::string& f : files) {
    if (::access(f.c_str(), R_OK) != 0) {
      std::cerr << "streaming: File: " << f << " does not exist, or is not readable.\n";
      return 2;
    }
  }
  for (const std::string* cmd : {&mapper, &reducer, &combiner}) {
    if (cmd->empty() || *cmd == "NONE") continue;
    if (absl::Status s = CheckCommand(*cmd, files); !s.ok()) {
      std::cerr << "streaming: " << s.message() << "\n";
      return 1;
    }
  }
  absl::StatusOr<Clients> c = MakeClients(conf);
  if (!c.ok()) {
    std::cerr << "streaming: " << c.status().message() << "\n";
    return 1;
  }
  mr::JobSpec spec;
  spec.conf.insert(conf.values().begin(), conf.values().end());
  spec.name = JobName(spec, "streaming");
  for (const std::string& in : inputs) {
    absl::StatusOr<std::string> q = Qualify(*c->dfs, in);
    absl::StatusOr<std::vector<std::string>> expanded =
        q.ok() ? ExpandGlob(*c->dfs, *q) : absl::StatusOr<std::vector<std::string>>(q.status());
    if (!expanded.ok()) {
      std::cerr << "streaming: " << expanded.status().message() << "\n";
      return 1;
    }
    spec.input_paths.insert(spec.input_paths.end(), expanded->begin(), expanded->end());
  }
  absl::StatusOr<std::string> out = Qualify(*c->dfs, output);
  if (!out.ok()) {
    std::cerr << "streaming: bad output path: " << out.status().message() << "\n";
    return 2;
  }
  spec.output_path = *out;
  if (reducer == "NONE") reduces = "0";
  if (!reduces.empty()) spec.conf[std::string(jobconf::kNumReduces)] = reduces;
  spec.conf[std::string(jobconf::kStreaming)] = "true";
  spec.conf[std::string(jobconf::kStreamMapper)] = mapper;
  spec.conf[std::string(jobconf::kStreamReducer)] = reducer.empty() ? "cat" : reducer;
  if (!combiner.empty()) {
    spec.conf[std::string(jobconf::kStreamCombiner)] = combiner;
    spec.use_combiner = true;
  }
  return SubmitAndWait(*c, conf, jobconf::SpecToConf(spec), "", files, "streaming");
}

int RunJobCommand(const std::vector<std::string>& args, const Configuration& conf) {
  constexpr char kUsage[] = "Usage: hayloft job -list [all] | -status JOB_ID | -kill JOB_ID\n";
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  absl::StatusOr<JobClientOptions> options = JobClientOptions::FromConfig(conf);
  if (!options.ok()) {
    std::cerr << "job: " << options.status().message() << "\n";
    return 1;
  }
  JobClient jobs(*options);
  const std::string& cmd = args[0];
  if (cmd == "-list") {
    bool all = args.size() > 1 && args[1] == "all";
    absl::StatusOr<std::vector<JobStatus>> list = jobs.ListJobs(all);
    if (!list.ok()) {
      std::cerr << "job: " << list.status().message() << "\n";
      return 1;
    }
    std::cout << "Total jobs:" << list->size() << "\n";
    std::cout << "JobId\tState\tStartTime\tUserName\tName\tMaps\tReduces\tMap%\tReduce%\n";
    for (const JobStatus& s : *list) {
      std::cout << s.job_id() << "\t" << JobStateName(s.state()) << "\t" << s.start_time_ms()
                << "\t" << s.user() << "\t" << s.name() << "\t" << s.num_maps() << "\t"
                << s.num_reduces() << "\t" << Percent(s.map_progress()) << "%\t"
                << Percent(s.reduce_progress()) << "%\n";
    }
    return 0;
  }
  if ((cmd == "-status" || cmd == "-kill") && args.size() == 2) {
    absl::StatusOr<JobStatus> s =
        cmd == "-status" ? jobs.GetJobStatus(args[1]) : jobs.KillJob(args[1]);
    if (!s.ok()) {
      std::cerr << "job: " << s.status().message() << "\n";
      return 1;
    }
    if (cmd == "-kill") {
      std::cout << "Killed job " << args[1] << "\n";
      return 0;
    }
    std::cout << "Job: " << s->job_id() << "\nJob name: " << s->name()
              << "\nJob state: " << JobStateName(s->state())
              << "\nNumber of maps: " << s->num_maps()
              << "\nNumber of reduces: " << s->num_reduces()
              << "\nmap() completion: " << absl::StrFormat("%.2f", s->map_progress())
              << "\nreduce() completion: " << absl::StrFormat("%.2f", s->reduce_progress())
              << "\nOutput: " << s->output_path() << "\n";
    if (!s->diagnostics().empty()) std::cout << "Diagnostics: " << s->diagnostics() << "\n";
    PrintCounters(*s, std::cout);
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace hayloft
