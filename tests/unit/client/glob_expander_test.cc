#include "client/glob_expander.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/glob_pattern.h"
#include "common/base/path.h"
#include "tests/testing/status_matchers.h"

namespace hayloft {
namespace {

using ::hayloft::testing::IsOkAndHolds;
using ::hayloft::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

bool Match(absl::string_view glob, absl::string_view name) {
  absl::StatusOr<GlobPattern> p = GlobPattern::Compile(glob);
  EXPECT_TRUE(p.ok()) << glob << ": " << p.status();
  return p.ok() && p->Matches(name);
}

TEST(GlobPatternTest, StarQuestionAndSets) {
  EXPECT_TRUE(Match("*", "anything"));
  EXPECT_TRUE(Match("*", ""));
  EXPECT_TRUE(Match("a*c", "abbbc"));
  EXPECT_FALSE(Match("a*c", "abbbd"));
  EXPECT_TRUE(Match("a?c", "abc"));
  EXPECT_FALSE(Match("a?c", "ac"));
  EXPECT_TRUE(Match("[ab]x", "bx"));
  EXPECT_FALSE(Match("[ab]x", "cx"));
  EXPECT_TRUE(Match("[a-c]", "b"));
  EXPECT_FALSE(Match("[a-c]", "d"));
  EXPECT_TRUE(Match("[^a]", "b"));
  EXPECT_FALSE(Match("[^a]", "a"));
  EXPECT_TRUE(Match("[!a]", "b"));
  EXPECT_FALSE(Match("[!a]", "a"));
  EXPECT_TRUE(Match("[]a]", "]"));
  EXPECT_TRUE(Match("[a-]", "-"));
  EXPECT_TRUE(Match("part-*-0000[0-3]", "part-r-00002"));
  // Dots, dollars and the like are plain characters.
  EXPECT_TRUE(Match("a.b$(c)|+", "a.b$(c)|+"));
  EXPECT_FALSE(Match("a.b", "axb"));
}

TEST(GlobPatternTest, EscapesAndUnicode) {
  EXPECT_TRUE(Match("a\\*", "a*"));
  EXPECT_FALSE(Match("a\\*", "ab"));
  EXPECT_TRUE(Match("\\[x\\]", "[x]"));
  EXPECT_TRUE(Match("[\\]]", "]"));
  // `?` is one character, not one byte.
  EXPECT_TRUE(Match("?", "ü"));
  EXPECT_TRUE(Match("d?j?", "déjà"));
  EXPECT_TRUE(Match("[ü]*", "ünïcødé"));
  absl::StatusOr<GlobPattern> literal = GlobPattern::Compile("a\\*b");
  ASSERT_TRUE(literal.ok());
  EXPECT_FALSE(literal->has_wildcard());
  EXPECT_EQ(literal->literal(), "a*b");
  EXPECT_TRUE(GlobPattern::Compile("a*")->has_wildcard());
  EXPECT_TRUE(GlobPattern::HasGlobChars("x/{a,b}"));
  EXPECT_FALSE(GlobPattern::HasGlobChars("x\\*y"));
  EXPECT_EQ(GlobPattern::Unescape("x\\*y"), "x*y");
}

TEST(GlobPatternTest, ErrorsAreWordedAsJavaWordsThem) {
  EXPECT_THAT(GlobPattern::Compile("[ab").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Unclosed character class near index 3\n[ab"));
  EXPECT_THAT(GlobPattern::Compile("a[b[c]").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Unclosed character class near index 3\na[b[c]\n   ^"));
  EXPECT_THAT(GlobPattern::Compile("ab\\").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Missing escaped character near index 3\nab\\"));
  EXPECT_THAT(GlobPattern::Compile("[c-a]").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Illegal character range")));
}

TEST(GlobExpanderTest, PathTextIsNormalizedAsHadoopsPathDoes) {
  EXPECT_EQ(GlobExpander::NormalizePathText("/a/../b"), "/b");
  EXPECT_EQ(GlobExpander::NormalizePathText("/a//b/"), "/a/b");
  EXPECT_EQ(GlobExpander::NormalizePathText("./x"), "x");
  EXPECT_EQ(GlobExpander::NormalizePathText("a/./b/.."), "a");
  EXPECT_EQ(GlobExpander::NormalizePathText("../x"), "../x");
  EXPECT_EQ(GlobExpander::NormalizePathText("/.."), "/..");
  EXPECT_EQ(GlobExpander::NormalizePathText("/"), "/");
  EXPECT_EQ(GlobExpander::NormalizePathText("."), ".");
  EXPECT_EQ(GlobExpander::NormalizePathText("-"), "-");
  EXPECT_EQ(GlobExpander::NormalizePathText("hdfs://nn:1/a/../b/"), "hdfs://nn:1/b");
  EXPECT_EQ(GlobExpander::NormalizePathText("/odd dir/ü %#.txt"), "/odd dir/ü %#.txt");
}

TEST(GlobExpanderTest, BracesExpandInOrderNestedAndAcrossSlashes) {
  EXPECT_THAT(GlobExpander::ExpandBraces("a{b,c}d"), IsOkAndHolds(ElementsAre("abd", "acd")));
  EXPECT_THAT(GlobExpander::ExpandBraces("{a,b{c,d}}"),
              IsOkAndHolds(ElementsAre("a", "bc", "bd")));
  EXPECT_THAT(GlobExpander::ExpandBraces("/{x/y,z}/{1,2}"),
              IsOkAndHolds(ElementsAre("/x/y/1", "/x/y/2", "/z/1", "/z/2")));
  EXPECT_THAT(GlobExpander::ExpandBraces("a\\{b,c}"), IsOkAndHolds(ElementsAre("a\\{b,c}")));
  EXPECT_THAT(GlobExpander::ExpandBraces("[{]{x,y}"), IsOkAndHolds(ElementsAre("[{]x", "[{]y")));
  EXPECT_THAT(GlobExpander::ExpandBraces("a,b}"), IsOkAndHolds(ElementsAre("a,b}")));
  EXPECT_THAT(GlobExpander::ExpandBraces("{}"), IsOkAndHolds(ElementsAre("")));
  EXPECT_THAT(GlobExpander::ExpandBraces("a{b,c").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Unclosed group")));
  std::string huge;
  for (int i = 0; i < 20; ++i) huge += "{a,b}";
  EXPECT_THAT(GlobExpander::ExpandBraces(huge).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too many alternatives")));
}

// A namespace in memory that counts its listings.
class FakeGlobFs : public GlobFileSystem {
 public:
  explicit FakeGlobFs(std::vector<std::string> files, std::vector<std::string> dirs) {
    entries_["/"] = true;
    for (const std::string& d : dirs) Add(d, true);
    for (const std::string& f : files) Add(f, false);
  }
  absl::StatusOr<FileStatus> GetFileInfo(const std::string& p) override {
    ++lookups;
    auto it = entries_.find(p);
    if (it == entries_.end()) return absl::NotFoundError(p);
    FileStatus st;
    st.set_path(p);
    st.set_is_dir(it->second);
    return st;
  }
  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& p) override {
    ++listings;
    if (!entries_.count(p)) return absl::NotFoundError(p);
    std::vector<FileStatus> out;
    for (const auto& [e, is_dir] : entries_) {
      if (e != "/" && path::Parent(e) == p) {
        FileStatus st;
        st.set_path(path::Basename(e));
        st.set_is_dir(is_dir);
        out.push_back(st);
      }
    }
    return out;
  }
  int listings = 0;
  int lookups = 0;

 private:
  void Add(const std::string& p, bool is_dir) {
    for (std::string q = path::Parent(p); q != "/"; q = path::Parent(q)) entries_[q] = true;
    entries_[p] = is_dir;
  }
  std::map<std::string, bool> entries_;
};

class GlobExpanderFsTest : public ::testing::Test {
 protected:
  FakeGlobFs fs_{{"/data/a1.txt", "/data/a2.txt", "/data/b1.txt", "/data/sub/x.log",
                  "/logs/2024/jan.log", "/logs/2025/feb.log", "/user/me/mine", "/user/me/yours",
                  "/odd/a*b", "/odd/aXb"},
                 {"/empty"}};
  GlobExpander glob_{&fs_, "/user/me"};

  std::vector<std::string> Paths(absl::string_view arg) {
    absl::StatusOr<GlobResult> r = glob_.Expand(arg);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->paths : std::vector<std::string>{};
  }
};

TEST_F(GlobExpanderFsTest, PlainPathsAreNotLookedUp) {
  ASSERT_OK_AND_ASSIGN(GlobResult r, glob_.Expand("/data/nothing-here"));
  EXPECT_FALSE(r.is_glob);
  EXPECT_THAT(r.paths, ElementsAre("/data/nothing-here"));
  EXPECT_EQ(fs_.listings + fs_.lookups, 0);
  EXPECT_THAT(Paths("/odd/a\\Xb"), ElementsAre("/odd/aXb"));
}

TEST_F(GlobExpanderFsTest, WildcardsInAnyComponentSorted) {
  EXPECT_THAT(Paths("/data/*.txt"), ElementsAre("/data/a1.txt", "/data/a2.txt", "/data/b1.txt"));
  EXPECT_THAT(Paths("/data/a?.txt"), ElementsAre("/data/a1.txt", "/data/a2.txt"));
  EXPECT_THAT(Paths("/data/[ab]1.txt"), ElementsAre("/data/a1.txt", "/data/b1.txt"));
  EXPECT_THAT(Paths("/data/[^a]*"), ElementsAre("/data/b1.txt", "/data/sub"));
  EXPECT_THAT(Paths("/logs/*/*.log"), ElementsAre("/logs/2024/jan.log", "/logs/2025/feb.log"));
  EXPECT_THAT(Paths("/*/sub/*"), ElementsAre("/data/sub/x.log"));
  EXPECT_THAT(Paths("/{logs/2025,data}/*1*"), ElementsAre("/data/a1.txt", "/data/b1.txt"));
  EXPECT_THAT(Paths("/data/{b,a}{1,2}.txt"),
              ElementsAre("/data/a1.txt", "/data/a2.txt", "/data/b1.txt"));
  // Escapes name the literal characters.
  EXPECT_THAT(Paths("/odd/a\\*b"), ElementsAre("/odd/a*b"));
  EXPECT_THAT(Paths("/odd/a*b"), ElementsAre("/odd/a*b", "/odd/aXb"));
}

TEST_F(GlobExpanderFsTest, ShowsMatchesAsTheArgumentWasTyped) {
  EXPECT_THAT(Paths("m*"), ElementsAre("mine"));
  EXPECT_THAT(Paths("./*"), ElementsAre("mine", "yours"));
  EXPECT_THAT(Paths("../me/y*"), ElementsAre("yours"));
  EXPECT_THAT(Paths("hdfs://nn:8020/data/b*"), ElementsAre("hdfs://nn:8020/data/b1.txt"));
}

TEST_F(GlobExpanderFsTest, NoMatchIsAnEmptyGlobAndBadPatternsAreRefused) {
  ASSERT_OK_AND_ASSIGN(GlobResult r, glob_.Expand("/data/z*"));
  EXPECT_TRUE(r.is_glob);
  EXPECT_THAT(r.paths, IsEmpty());
  ASSERT_OK_AND_ASSIGN(r, glob_.Expand("/nope/*"));
  EXPECT_TRUE(r.is_glob);
  EXPECT_THAT(r.paths, IsEmpty());
  EXPECT_THAT(Paths("/empty/*"), IsEmpty());
  // A file has no children to match.
  EXPECT_THAT(Paths("/data/a1.txt/*"), IsEmpty());
  EXPECT_THAT(glob_.Expand("/data/[ab").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Illegal file pattern: Unclosed character class")));
  EXPECT_THAT(glob_.Expand("/data/{a,b").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Illegal file pattern: Unclosed group")));
}

}  // namespace
}  // namespace hayloft
