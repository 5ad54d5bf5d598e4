// The keys of a job's configuration, as `hayloft jar` / `hayloft streaming` send it
// with SubmitJob and as every task attempt reads it. Hadoop's names where Hadoop
// has one. Shared by the client, the jobtracker and the workers.
#ifndef HAYLOFT_CLIENT_JOB_CONF_H_
#define HAYLOFT_CLIENT_JOB_CONF_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hayloft/mapreduce.h"

namespace hayloft::jobconf {

inline constexpr absl::string_view kJobName = "mapreduce.job.name";
inline constexpr absl::string_view kUser = "mapreduce.job.user.name";
// Comma-separated DFS paths (files or directories), normalized by the client.
inline constexpr absl::string_view kInputDirs = "mapreduce.input.fileinputformat.inputdir";
inline constexpr absl::string_view kOutputDir = "mapreduce.output.fileoutputformat.outputdir";
inline constexpr absl::string_view kNumReduces = "mapreduce.job.reduces";
inline constexpr absl::string_view kMapMaxAttempts = "mapreduce.map.maxattempts";
inline constexpr absl::string_view kReduceMaxAttempts = "mapreduce.reduce.maxattempts";
inline constexpr absl::string_view kSortMb = "mapreduce.task.io.sort.mb";
inline constexpr absl::string_view kSpillPercent = "mapreduce.map.sort.spill.percent";
inline constexpr absl::string_view kParallelCopies = "mapreduce.reduce.shuffle.parallelcopies";
inline constexpr absl::string_view kStagingRoot = "mapreduce.jobtracker.staging.root.dir";
// DFS path of the uploaded job library (empty for streaming jobs).
inline constexpr absl::string_view kLibrary = "hayloft.job.library";
// text | keyvalue | fixed | generated; and text | raw.
inline constexpr absl::string_view kInputFormat = "hayloft.job.input.format";
inline constexpr absl::string_view kOutputFormat = "hayloft.job.output.format";
inline constexpr absl::string_view kRecordLength = "fixedlengthinputformat.record.length";
inline constexpr absl::string_view kKeyLength = "hayloft.job.input.key.length";
inline constexpr absl::string_view kGeneratedSplits = "hayloft.job.generated.splits";
inline constexpr absl::string_view kUseCombiner = "hayloft.job.combine";
// Total-order partitioning: the sampled split points, hex-encoded keys joined by ','.
inline constexpr absl::string_view kPartitionCuts = "hayloft.job.partition.cuts";
// Streaming: set to "true", with the commands in Hadoop Streaming's keys.
inline constexpr absl::string_view kStreaming = "hayloft.job.streaming";
inline constexpr absl::string_view kStreamMapper = "stream.map.streamprocessor";
inline constexpr absl::string_view kStreamReducer = "stream.reduce.streamprocessor";
inline constexpr absl::string_view kStreamCombiner = "stream.combine.streamprocessor";
// Comma-separated DFS paths of files shipped with a streaming job (-file).
inline constexpr absl::string_view kStreamFiles = "hayloft.job.stream.files";

inline constexpr int kDefaultMaxAttempts = 4;
inline constexpr int kDefaultSortMb = 100;

std::string InputFormatName(mr::InputFormat f);
absl::StatusOr<mr::InputFormat> ParseInputFormat(absl::string_view name);
std::string OutputFormatName(mr::OutputFormat f);
absl::StatusOr<mr::OutputFormat> ParseOutputFormat(absl::string_view name);

// Writes a JobSpec into configuration keys (on top of spec.conf).
std::map<std::string, std::string> SpecToConf(const mr::JobSpec& spec);

// "part-r-00003" / "part-m-00003".
std::string PartFileName(bool map_only, int index);

}  // namespace hayloft::jobconf

#endif  // HAYLOFT_CLIENT_JOB_CONF_H_
