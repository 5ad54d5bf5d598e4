// The -chmod MODE grammar and its effect, case by case as Hadoop's ChmodParser
// computes them.
#include "client/chmod_parser.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

// The new mode of a file (or directory) whose mode is `existing`; 0177777 if the
// mode does not parse.
uint32_t Chmod(const char* mode, uint32_t existing, bool is_dir = false) {
  absl::StatusOr<ChmodParser> p = ChmodParser::Parse(mode);
  return p.ok() ? p->Apply(existing, is_dir) : 0177777;
}

TEST(ChmodParserTest, OctalReplacesTheWholeMode) {
  EXPECT_EQ(Chmod("755", 0600), 0755u);
  EXPECT_EQ(Chmod("000", 0777), 0u);
  EXPECT_EQ(Chmod("1777", 0755, true), 01777u);
  EXPECT_EQ(Chmod("0644", 01777), 0644u);  // a leading 0 clears the sticky bit
  EXPECT_EQ(Chmod("644", 01777), 0644u);   // so do three digits
  EXPECT_EQ(Chmod(" +750 ", 0), 0750u);
}

TEST(ChmodParserTest, SymbolicAddsRemovesAndSets) {
  EXPECT_EQ(Chmod("u+x", 0644), 0744u);
  EXPECT_EQ(Chmod("go-w", 0777), 0755u);
  EXPECT_EQ(Chmod("a=r", 0777), 0444u);
  EXPECT_EQ(Chmod("=r", 0777), 0444u);      // no class means all
  EXPECT_EQ(Chmod("+w", 0444), 0666u);      // and no umask
  EXPECT_EQ(Chmod("u=rwx,g=rx,o-rwx", 0), 0750u);
  EXPECT_EQ(Chmod("ug+rw,o-rwx", 0604), 0660u);
  EXPECT_EQ(Chmod("o+r, u-w", 0600), 0404u);  // spaces around the comma
}

TEST(ChmodParserTest, StickyBitOnlyThroughOthers) {
  EXPECT_EQ(Chmod("+t", 0755, true), 01755u);
  EXPECT_EQ(Chmod("o+t", 0755, true), 01755u);
  EXPECT_EQ(Chmod("a+t", 0755, true), 01755u);
  EXPECT_EQ(Chmod("u+t", 0755, true), 0755u);
  EXPECT_EQ(Chmod("-t", 01777, true), 0777u);
  EXPECT_EQ(Chmod("o=rx", 01777, true), 0775u);  // = on others clears it
  EXPECT_EQ(Chmod("g+w", 01755, true), 01775u);  // untouched otherwise
}

TEST(ChmodParserTest, CapitalXOnlyForDirectoriesAndExecutables) {
  EXPECT_EQ(Chmod("o+X", 0640, /*is_dir=*/false), 0640u);
  EXPECT_EQ(Chmod("o+X", 0740, /*is_dir=*/false), 0741u);
  EXPECT_EQ(Chmod("o+X", 0750, /*is_dir=*/true), 0751u);
  EXPECT_EQ(Chmod("a+rX", 0600), 0644u);
  EXPECT_EQ(Chmod("a+rX", 0700), 0755u);
}

TEST(ChmodParserTest, HadoopQuirksAreKept) {
  // The last operator of a run counts.
  EXPECT_EQ(Chmod("u+-x", 0755), 0655u);
  // A later clause for the same class replaces the earlier one.
  EXPECT_EQ(Chmod("u+x,u+w", 0400), 0600u);
  EXPECT_EQ(Chmod("u+x,", 0600), 0700u);  // a trailing comma is fine
}

TEST(ChmodParserTest, RejectsWhatHadoopRejects) {
  for (const char* bad : {"", "8", "75", "7777", "2755", "01755x", "u+", "+", "u+q", "z+x",
                          "u+x g+w", ",u+x", "u+x;g+w", "755,u+x", "u+x,755",
                          "o="}) {  // unlike chmod(1), Hadoop wants at least one of rwxXt
    EXPECT_FALSE(ChmodParser::Parse(bad).ok()) << "'" << bad << "'";
  }
  EXPECT_TRUE(ChmodParser::Parse("u+x,,g+w").ok());  // commas may repeat between clauses
  EXPECT_EQ(Chmod("u+x,,", 0600), 0700u);
  EXPECT_EQ(Chmod("--x", 0755), 0644u);  // "--" is an operator run: its last, '-', counts
}

}  // namespace
}  // namespace hayloft
