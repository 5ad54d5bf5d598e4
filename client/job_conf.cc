#include "client/job_conf.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace hayloft::jobconf {

std::string InputFormatName(mr::InputFormat f) {
  switch (f) {
    case mr::InputFormat::kTextLines: return "text";
    case mr::InputFormat::kKeyValueText: return "keyvalue";
    case mr::InputFormat::kFixedLengthRecords: return "fixed";
    case mr::InputFormat::kGenerated: return "generated";
  }
  return "text";
}

absl::StatusOr<mr::InputFormat> ParseInputFormat(absl::string_view name) {
  if (name.empty() || name == "text") return mr::InputFormat::kTextLines;
  if (name == "keyvalue") return mr::InputFormat::kKeyValueText;
  if (name == "fixed") return mr::InputFormat::kFixedLengthRecords;
  if (name == "generated") return mr::InputFormat::kGenerated;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value for ", kInputFormat, ": '", name, "' (text, keyvalue, fixed, generated)"));
}

std::string OutputFormatName(mr::OutputFormat f) {
  return f == mr::OutputFormat::kRaw ? "raw" : "text";
}

absl::StatusOr<mr::OutputFormat> ParseOutputFormat(absl::string_view name) {
  if (name.empty() || name == "text") return mr::OutputFormat::kText;
  if (name == "raw") return mr::OutputFormat::kRaw;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value for ", kOutputFormat, ": '", name, "' (text, raw)"));
}

std::map<std::string, std::string> SpecToConf(const mr::JobSpec& spec) {
  std::map<std::string, std::string> conf = spec.conf;
  if (!spec.name.empty()) conf[std::string(kJobName)] = spec.name;
  conf[std::string(kInputDirs)] = absl::StrJoin(spec.input_paths, ",");
  conf[std::string(kOutputDir)] = spec.output_path;
  conf[std::string(kInputFormat)] = InputFormatName(spec.input_format);
  conf[std::string(kOutputFormat)] = OutputFormatName(spec.output_format);
  conf[std::string(kRecordLength)] = absl::StrCat(spec.record_length);
  conf[std::string(kKeyLength)] = absl::StrCat(spec.key_length);
  conf[std::string(kGeneratedSplits)] = absl::StrCat(spec.num_generated_splits);
  if (spec.num_reduces >= 0) conf[std::string(kNumReduces)] = absl::StrCat(spec.num_reduces);
  conf[std::string(kUseCombiner)] = spec.use_combiner ? "true" : "false";
  return conf;
}

std::string PartFileName(bool map_only, int index) {
  return absl::StrFormat("part-%c-%05d", map_only ? 'm' : 'r', index);
}

}  // namespace hayloft::jobconf
