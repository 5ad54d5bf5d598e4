#include "client/glob_expander.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/glob_pattern.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

absl::Status IllegalPattern(const absl::Status& s) {
  return absl::InvalidArgumentError(absl::StrCat("Illegal file pattern: ", s.message()));
}

// Index past the set that starts at glob[i] == '[', or npos if it is not closed
// (GlobPattern reports that).
size_t SkipSet(absl::string_view glob, size_t i) {
  size_t j = i + 1;
  if (j < glob.size() && (glob[j] == '^' || glob[j] == '!')) ++j;
  bool first = true;
  for (; j < glob.size(); ++j) {
    if (glob[j] == '\\') {
      ++j;
    } else if (glob[j] == ']' && !first) {
      return j + 1;
    }
    first = false;
  }
  return absl::string_view::npos;
}

// Finds the first top-level group: sets *open and *close to its braces and fills
// *alternatives. False if there is none.
absl::StatusOr<bool> FirstGroup(absl::string_view glob, size_t* open, size_t* close,
                                std::vector<std::string>* alternatives) {
  size_t i = 0;
  for (; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      ++i;
    } else if (glob[i] == '[') {
      size_t end = SkipSet(glob, i);
      if (end == absl::string_view::npos) return false;
      i = end - 1;
    } else if (glob[i] == '{') {
      break;
    }
  }
  if (i >= glob.size()) return false;
  *open = i;
  int depth = 0;
  size_t alt_start = i + 1;
  for (size_t j = i; j < glob.size(); ++j) {
    char c = glob[j];
    if (c == '\\') {
      ++j;
    } else if (c == '[') {
      size_t end = SkipSet(glob, j);
      if (end != absl::string_view::npos) j = end - 1;
    } else if (c == '{') {
      ++depth;
    } else if (c == ',' && depth == 1) {
      alternatives->emplace_back(glob.substr(alt_start, j - alt_start));
      alt_start = j + 1;
    } else if (c == '}' && --depth == 0) {
      alternatives->emplace_back(glob.substr(alt_start, j - alt_start));
      *close = j;
      return true;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Unclosed group near index ", glob.size(), "\n", glob));
}

}  // namespace

std::string GlobExpander::NormalizePathText(absl::string_view p) {
  if (p.empty() || p == "-") return std::string(p);
  absl::string_view prefix;
  if (size_t scheme = p.find("://");
      scheme != absl::string_view::npos && p.substr(0, scheme).find('/') == absl::string_view::npos) {
    size_t slash = p.find('/', scheme + 3);
    if (slash == absl::string_view::npos) return std::string(p);
    prefix = p.substr(0, slash);
    p = p.substr(slash);
  }
  bool absolute = p[0] == '/';
  std::vector<absl::string_view> parts;
  for (absl::string_view c : absl::StrSplit(p, '/', absl::SkipEmpty())) {
    if (c == ".") continue;
    if (c == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out = absl::StrCat(prefix, absolute ? "/" : "", absl::StrJoin(parts, "/"));
  return out.empty() ? "." : out;
}

absl::StatusOr<std::vector<std::string>> GlobExpander::ExpandBraces(absl::string_view glob) {
  std::vector<std::string> done;
  std::vector<std::string> pending = {std::string(glob)};
  while (!pending.empty()) {
    std::string g = std::move(pending.back());
    pending.pop_back();
    size_t open = 0, close = 0;
    std::vector<std::string> alternatives;
    HL_ASSIGN_OR_RETURN(bool found, FirstGroup(g, &open, &close, &alternatives));
    if (!found) {
      done.push_back(std::move(g));
      continue;
    }
    // Pushed in reverse so they come out in order.
    for (auto it = alternatives.rbegin(); it != alternatives.rend(); ++it) {
      pending.push_back(absl::StrCat(g.substr(0, open), *it, g.substr(close + 1)));
    }
    if (done.size() + pending.size() > kMaxAlternatives) {
      return absl::InvalidArgumentError(
          absl::StrCat("too many alternatives (more than ", kMaxAlternatives, ")"));
    }
  }
  return done;
}

absl::StatusOr<std::vector<std::string>> GlobExpander::MatchPattern(const std::string& pattern,
                                                                    bool* saw_wildcard) {
  std::vector<std::string> comps;
  for (absl::string_view c : absl::StrSplit(pattern, '/', absl::SkipEmpty())) {
    if (c == ".") continue;
    if (c == "..") {
      if (!comps.empty()) comps.pop_back();
      continue;
    }
    comps.emplace_back(c);
  }
  std::vector<Candidate> candidates = {{"/", true}};
  for (const std::string& comp : comps) {
    absl::StatusOr<GlobPattern> glob = GlobPattern::Compile(comp);
    if (!glob.ok()) return IllegalPattern(glob.status());
    if (glob->has_wildcard()) *saw_wildcard = true;
    std::vector<Candidate> next;
    for (const Candidate& c : candidates) {
      if (!c.is_dir) continue;
      if (glob->has_wildcard()) {
        absl::StatusOr<std::vector<FileStatus>> children = fs_->ListStatus(c.path);
        if (absl::IsNotFound(children.status())) continue;
        HL_RETURN_IF_ERROR(children.status());
        for (const FileStatus& child : *children) {
          if (glob->Matches(child.path())) {
            next.push_back({path::Join(c.path, child.path()), child.is_dir()});
          }
        }
      } else {
        // A plain component is looked up, not listed.
        std::string p = path::Join(c.path, glob->literal());
        absl::StatusOr<FileStatus> st = fs_->GetFileInfo(p);
        if (st.ok()) {
          next.push_back({p, st->is_dir()});
        } else if (!absl::IsNotFound(st.status()) && !absl::IsInvalidArgument(st.status())) {
          return st.status();
        }
      }
    }
    // No early exit on no candidates: a wildcard further on still makes this a
    // glob (one that matched nothing), as in Hadoop's Globber.
    candidates = std::move(next);
  }
  std::vector<std::string> out;
  for (Candidate& c : candidates) out.push_back(std::move(c.path));
  return out;
}

std::string GlobExpander::Display(const std::string& abs, absl::string_view prefix,
                                  bool relative) const {
  if (!prefix.empty()) return absl::StrCat(prefix, abs);
  if (relative && absl::StartsWith(abs, working_dir_ + "/")) {
    return abs.substr(working_dir_.size() + 1);
  }
  return abs;
}

absl::StatusOr<GlobResult> GlobExpander::Expand(absl::string_view arg) {
  GlobResult result;
  if (!GlobPattern::HasGlobChars(arg)) {
    result.paths.push_back(NormalizePathText(GlobPattern::Unescape(arg)));
    return result;
  }
  absl::string_view rest = arg;
  absl::string_view prefix;
  if (size_t scheme = rest.find("://");
      scheme != absl::string_view::npos && rest.substr(0, scheme).find('/') == absl::string_view::npos) {
    size_t slash = rest.find('/', scheme + 3);
    prefix = rest.substr(0, slash == absl::string_view::npos ? rest.size() : slash);
    rest = slash == absl::string_view::npos ? absl::string_view("/") : rest.substr(slash);
  }
  bool relative = prefix.empty() && (rest.empty() || rest[0] != '/');
  absl::StatusOr<std::vector<std::string>> flat = ExpandBraces(rest);
  if (!flat.ok()) return IllegalPattern(flat.status());
  // A group counts as a wildcard even when it names one path.
  bool saw_wildcard = flat->size() > 1 || absl::StrContains(rest, '{');
  std::set<std::string> matches;
  for (const std::string& f : *flat) {
    std::string abs = !f.empty() && f[0] == '/' ? f : absl::StrCat(working_dir_, "/", f);
    HL_ASSIGN_OR_RETURN(std::vector<std::string> found, MatchPattern(abs, &saw_wildcard));
    for (const std::string& m : found) matches.insert(Display(m, prefix, relative));
  }
  if (!saw_wildcard && matches.empty()) {
    result.paths.push_back(NormalizePathText(GlobPattern::Unescape(arg)));
    return result;
  }
  result.is_glob = true;
  result.paths.assign(matches.begin(), matches.end());
  return result;
}

}  // namespace hayloft
