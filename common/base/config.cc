#include "common/base/config.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

// Reads <property><name>..</name><value>..</value></property> pairs. Enough for
// Hadoop's *-site.xml files; not a general XML parser.
void ParseXml(const std::string& text, Configuration* conf) {
  size_t pos = 0;
  auto extract = [](const std::string& block, absl::string_view tag) -> std::string {
    std::string open = absl::StrCat("<", tag, ">");
    std::string close = absl::StrCat("</", tag, ">");
    size_t b = block.find(open);
    size_t e = block.find(close);
    if (b == std::string::npos || e == std::string::npos || e < b) return "";
    return std::string(absl::StripAsciiWhitespace(
        block.substr(b + open.size(), e - b - open.size())));
  };
  while ((pos = text.find("<property>", pos)) != std::string::npos) {
    size_t end = text.find("</property>", pos);
    if (end == std::string::npos) break;
    std::string block = text.substr(pos, end - pos);
    std::string name = extract(block, "name");
    if (!name.empty()) conf->Set(name, extract(block, "value"));
    pos = end;
  }
}

}  // namespace

absl::Status Configuration::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '<') {
    ParseXml(text, this);
    return absl::OkStatus();
  }
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    absl::Status s = SetFromArg(line);
    if (!s.ok()) return Annotate(s, absl::StrCat(path, ":", line_no));
  }
  return absl::OkStatus();
}

absl::Status Configuration::SetFromArg(absl::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected key=value, got '", arg, "'"));
  }
  Set(std::string(absl::StripAsciiWhitespace(arg.substr(0, eq))),
      std::string(absl::StripAsciiWhitespace(arg.substr(eq + 1))));
  return absl::OkStatus();
}

std::optional<std::string> Configuration::Get(absl::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Configuration::GetString(absl::string_view key,
                                     absl::string_view default_value) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string(default_value) : it->second;
}

absl::StatusOr<int64_t> ParseSize(absl::string_view text, absl::string_view what) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  int shift = 0;
  if (!t.empty() && std::isalpha(static_cast<unsigned char>(t.back()))) {
    switch (absl::ascii_tolower(t.back())) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      case 'p': shift = 50; break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("invalid value for ", what, ": '", text, "'"));
    }
    t.remove_suffix(1);
  }
  int64_t v;
  if (!absl::SimpleAtoi(t, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid value for ", what, ": '", text, "'"));
  }
  if (shift > 0) {
    int64_t limit = std::numeric_limits<int64_t>::max() >> shift;
    if (v > limit || v < -limit) {
      return absl::InvalidArgumentError(
          absl::StrCat("value for ", what, " is too large: '", text, "'"));
    }
    v *= (int64_t{1} << shift);
  }
  return v;
}

absl::StatusOr<int64_t> Configuration::GetInt64(absl::string_view key,
                                                int64_t default_value) const {
  auto it = values_.find(key);
  if (it == values_.end()) return default_value;
  return ParseSize(it->second, key);
}

absl::StatusOr<bool> Configuration::GetBool(absl::string_view key, bool default_value) const {
  auto it = values_.find(key);
  if (it == values_.end()) return default_value;
  std::string v = absl::AsciiStrToLower(it->second);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid boolean for ", key, ": '", it->second, "'"));
}

absl::StatusOr<absl::Duration> Configuration::GetDuration(
    absl::string_view key, absl::Duration default_value, absl::Duration default_unit) const {
  auto it = values_.find(key);
  if (it == values_.end()) return default_value;
  absl::string_view t = absl::StripAsciiWhitespace(it->second);
  static constexpr std::pair<absl::string_view, absl::Duration> kUnits[] = {
      {"ns", absl::Nanoseconds(1)}, {"us", absl::Microseconds(1)},
      {"ms", absl::Milliseconds(1)}, {"s", absl::Seconds(1)},
      {"m", absl::Minutes(1)},       {"h", absl::Hours(1)},
      {"d", absl::Hours(24)}};
  absl::Duration unit = default_unit;
  for (const auto& [suffix, d] : kUnits) {
    if (absl::EndsWith(t, suffix) && t.size() > suffix.size() &&
        std::isdigit(static_cast<unsigned char>(t[t.size() - suffix.size() - 1]))) {
      unit = d;
      t.remove_suffix(suffix.size());
      break;
    }
  }
  int64_t v;
  if (!absl::SimpleAtoi(t, &v) || v < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration for ", key, ": '", it->second, "'"));
  }
  return v * unit;
}

absl::StatusOr<GenericOptions> ParseGenericOptions(const std::vector<std::string>& args) {
  GenericOptions out;
  if (const char* env = std::getenv("HAYLOFT_CONF"); env != nullptr && *env != '\0') {
    HL_RETURN_IF_ERROR(out.conf.LoadFile(env));
  }
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-D" || a == "--conf" || a == "-conf" || a == "-fs") {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat(a, " needs an argument"));
      }
      const std::string& v = args[++i];
      if (a == "-D") {
        HL_RETURN_IF_ERROR(out.conf.SetFromArg(v));
      } else if (a == "-fs") {
        out.conf.Set("fs.defaultFS", v);
      } else {
        HL_RETURN_IF_ERROR(out.conf.LoadFile(v));
      }
    } else if (absl::StartsWith(a, "-D") && a.size() > 2) {
      HL_RETURN_IF_ERROR(out.conf.SetFromArg(absl::string_view(a).substr(2)));
    } else if (absl::StartsWith(a, "--conf=")) {
      HL_RETURN_IF_ERROR(out.conf.LoadFile(a.substr(7)));
    } else {
      break;
    }
  }
  out.args.assign(args.begin() + i, args.end());
  return out;
}

}  // namespace hayloft
