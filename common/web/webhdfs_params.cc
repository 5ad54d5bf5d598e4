#include "common/web/webhdfs_params.h"

#include <regex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/web/webhdfs_error.h"

namespace hayloft::webhdfs {
namespace {

// Hadoop's "null" literal: a numeric parameter given as null is unset.
constexpr char kNull[] = "null";

// The ops Hadoop 3 knows for each HTTP method (GetOpParam.Op, PutOpParam.Op, ...),
// so that an op sent with the wrong method gets Hadoop's error.
const std::vector<std::string>& OpsOf(absl::string_view method) {
  static const auto* const kGet = new std::vector<std::string>{
      "OPEN", "GETFILESTATUS", "LISTSTATUS", "GETCONTENTSUMMARY", "GETQUOTAUSAGE",
      "GETFILECHECKSUM", "GETHOMEDIRECTORY", "GETDELEGATIONTOKEN", "GET_BLOCK_LOCATIONS",
      "GETACLSTATUS", "GETXATTRS", "GETTRASHROOT", "LISTXATTRS", "CHECKACCESS",
      "LISTSTATUS_BATCH", "GETALLSTORAGEPOLICY", "GETSTORAGEPOLICY", "GETSNAPSHOTDIFF",
      "GETSNAPSHOTDIFFLISTING", "GETSNAPSHOTTABLEDIRECTORYLIST", "GETSNAPSHOTLIST",
      "GETFILEBLOCKLOCATIONS", "GETECPOLICY", "GETSERVERDEFAULTS", "GETLINKTARGET",
      "GETFILELINKSTATUS", "GETSTATUS", "GETECPOLICIES", "GETECCODECS", "GETTRASHROOTS", "NULL"};
  static const auto* const kPut = new std::vector<std::string>{
      "CREATE", "MKDIRS", "CREATESYMLINK", "RENAME", "SETREPLICATION", "SETOWNER",
      "SETPERMISSION", "SETTIMES", "RENEWDELEGATIONTOKEN", "CANCELDELEGATIONTOKEN",
      "MODIFYACLENTRIES", "REMOVEACLENTRIES", "REMOVEDEFAULTACL", "REMOVEACL", "SETACL",
      "SETXATTR", "REMOVEXATTR", "ALLOWSNAPSHOT", "DISALLOWSNAPSHOT", "CREATESNAPSHOT",
      "RENAMESNAPSHOT", "SETQUOTA", "SETQUOTABYSTORAGETYPE", "SETSTORAGEPOLICY",
      "SATISFYSTORAGEPOLICY", "ENABLEECPOLICY", "DISABLEECPOLICY", "SETECPOLICY", "NULL"};
  static const auto* const kPost = new std::vector<std::string>{
      "APPEND", "CONCAT", "TRUNCATE", "UNSETECPOLICY", "UNSETSTORAGEPOLICY", "NULL"};
  static const auto* const kDelete =
      new std::vector<std::string>{"DELETE", "DELETESNAPSHOT", "NULL"};
  static const auto* const kNone = new std::vector<std::string>{};
  if (method == "GET") return *kGet;
  if (method == "PUT") return *kPut;
  if (method == "POST") return *kPost;
  if (method == "DELETE") return *kDelete;
  return *kNone;
}

std::string OpEnumClass(absl::string_view method) {
  std::string m = absl::AsciiStrToLower(method);
  if (!m.empty()) m[0] = absl::ascii_toupper(m[0]);
  return absl::StrCat("org.apache.hadoop.hdfs.web.resources.", m, "OpParam.Op");
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Java's Long/Integer/Short.parseX(s, radix) into [lo, hi]: an optional sign, then
// at least one digit; nothing else.
std::optional<int64_t> ParseJavaInteger(absl::string_view s, int radix, int64_t lo, int64_t hi) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  // Accumulate the magnitude as unsigned: |lo| may exceed hi.
  uint64_t limit = negative ? static_cast<uint64_t>(-(lo + 1)) + 1 : static_cast<uint64_t>(hi);
  uint64_t v = 0;
  for (char c : s) {
    int d = DigitValue(c);
    if (d >= radix) return std::nullopt;
    if (v > (limit - d) / radix) return std::nullopt;
    v = v * radix + d;
  }
  if (negative) return v == 0 ? 0 : -static_cast<int64_t>(v - 1) - 1;
  return static_cast<int64_t>(v);
}

std::string InRadix(int64_t v, int radix) {
  if (radix == 10) return absl::StrCat(v);
  std::string digits;
  uint64_t m = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  do {
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[m % radix]);
    m /= radix;
  } while (m != 0);
  return v < 0 ? "-" + digits : digits;
}

absl::Status CheckRange(absl::string_view name, int64_t v, std::optional<int64_t> min,
                        std::optional<int64_t> max, int radix) {
  if (min.has_value() && v < *min) {
    return InvalidParameter(name, absl::StrCat("Invalid parameter range: ", name, " = ",
                                               InRadix(v, radix), " < ", InRadix(*min, radix)));
  }
  if (max.has_value() && v > *max) {
    return InvalidParameter(name, absl::StrCat("Invalid parameter range: ", name, " = ",
                                               InRadix(v, radix), " > ", InRadix(*max, radix)));
  }
  return absl::OkStatus();
}

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string Encode(absl::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace

absl::Status InvalidParameter(absl::string_view name, absl::string_view why) {
  return IllegalArgument(absl::StrCat("Invalid value for webhdfs parameter \"", name, "\": ", why));
}

WebHdfsParams::WebHdfsParams(const std::multimap<std::string, std::string>& query) {
  for (const auto& [name, value] : query) values_.emplace(absl::AsciiStrToLower(name), value);
}

std::optional<std::string> WebHdfsParams::Get(absl::string_view name) const {
  auto it = values_.find(absl::AsciiStrToLower(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool WebHdfsParams::Has(absl::string_view name) const {
  std::optional<std::string> v = Get(name);
  return v.has_value() && !v->empty();
}

absl::StatusOr<bool> WebHdfsParams::Bool(absl::string_view name, bool default_value) const {
  std::optional<std::string> v = Get(name);
  if (!v.has_value()) return default_value;
  if (absl::EqualsIgnoreCase(*v, "true")) return true;
  if (absl::EqualsIgnoreCase(*v, "false")) return false;
  return InvalidParameter(name, absl::StrCat("Failed to parse \"", *v, "\" to Boolean."));
}

absl::StatusOr<std::optional<int64_t>> WebHdfsParams::Long(absl::string_view name, int64_t min,
                                                           int64_t max) const {
  std::optional<std::string> v = Get(name);
  if (!v.has_value() || *v == kNull) return std::optional<int64_t>();
  std::optional<int64_t> n = ParseJavaInteger(*v, 10, std::numeric_limits<int64_t>::min(),
                                              std::numeric_limits<int64_t>::max());
  if (!n.has_value()) {
    return InvalidParameter(name,
                            absl::StrCat("Failed to parse \"", *v, "\" as a radix-10 long integer."));
  }
  absl::Status s = CheckRange(name, *n, min, max, 10);
  if (!s.ok()) return s;
  return n;
}

absl::StatusOr<std::optional<int32_t>> WebHdfsParams::Short(absl::string_view name, int radix,
                                                            std::optional<int32_t> min,
                                                            std::optional<int32_t> max) const {
  std::optional<std::string> v = Get(name);
  if (!v.has_value() || *v == kNull) return std::optional<int32_t>();
  std::optional<int64_t> n = ParseJavaInteger(*v, radix, -32768, 32767);
  if (!n.has_value()) {
    return InvalidParameter(name, absl::StrCat("Failed to parse \"", *v, "\" as a radix-", radix,
                                               " short integer."));
  }
  absl::Status s = CheckRange(name, *n, min, max, radix);
  if (!s.ok()) return s;
  return std::optional<int32_t>(static_cast<int32_t>(*n));
}

absl::StatusOr<std::optional<int32_t>> WebHdfsParams::PositiveInt(absl::string_view name) const {
  std::optional<std::string> v = Get(name);
  if (!v.has_value() || *v == kNull) return std::optional<int32_t>();
  std::optional<int64_t> n = ParseJavaInteger(*v, 10, std::numeric_limits<int32_t>::min(),
                                              std::numeric_limits<int32_t>::max());
  if (!n.has_value()) {
    return InvalidParameter(name, absl::StrCat("Failed to parse \"", *v, "\" as a radix-10 integer."));
  }
  absl::Status s = CheckRange(name, *n, 1, std::nullopt, 10);
  if (!s.ok()) return s;
  return std::optional<int32_t>(static_cast<int32_t>(*n));
}

absl::StatusOr<std::optional<uint32_t>> WebHdfsParams::Permission() const {
  absl::StatusOr<std::optional<int32_t>> p = Short("permission", 8, 0, 01777);
  if (!p.ok()) return p.status();
  if (!p->has_value()) return std::optional<uint32_t>();
  return std::optional<uint32_t>(static_cast<uint32_t>(**p));
}

absl::StatusOr<std::string> WebHdfsParams::User() const {
  // dfs.webhdfs.user.provider.user.pattern's default.
  static const auto* const kPattern = new std::regex("^[A-Za-z_][A-Za-z0-9._-]*[$]?$");
  std::optional<std::string> user = Get("user.name");
  if (!user.has_value() || user->empty()) user = kAnonymousUser;
  if (!std::regex_match(*user, *kPattern)) {
    return InvalidParameter("user.name",
                            absl::StrCat("Invalid value: \"", *user,
                                         "\" does not belong to the domain "
                                         "^[A-Za-z_][A-Za-z0-9._-]*[$]?$"));
  }
  std::optional<std::string> doas = Get("doas");
  if (doas.has_value() && !doas->empty() && *doas != *user) {
    return WithJavaException(
        absl::PermissionDeniedError(
            absl::StrCat("User: ", *user, " is not allowed to impersonate ", *doas)),
        "org.apache.hadoop.security.authorize.AuthorizationException");
  }
  return *user;
}

absl::StatusOr<std::string> WebHdfsParams::Op(absl::string_view method) const {
  std::optional<std::string> v = Get("op");
  if (!v.has_value()) return std::string("NULL");
  std::string op = absl::AsciiStrToUpper(*v);
  for (const std::string& known : OpsOf(method)) {
    if (known == op) return op;
  }
  return InvalidParameter(
      "op", absl::StrCat("No enum constant ", OpEnumClass(method), ".", op));
}

bool IsValidHdfsName(absl::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    absl::string_view p = parts[i];
    if (p == "." || p == ".." || absl::StrContains(p, ':')) return false;
    if (p.empty() && i + 1 != parts.size()) return false;
  }
  return true;
}

absl::StatusOr<std::string> RequestPath(absl::string_view decoded) {
  std::string path = decoded.empty() ? "/" : std::string(decoded);
  if (!IsValidHdfsName(path)) {
    return WithJavaException(
        absl::InvalidArgumentError(absl::StrCat("Invalid path name Invalid file name: ", path)),
        kInvalidPathException);
  }
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string EncodePath(absl::string_view path) { return Encode(path, true); }

std::string EncodeQueryValue(absl::string_view value) { return Encode(value, false); }

}  // namespace hayloft::webhdfs
