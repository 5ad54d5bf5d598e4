// The rest of the HDFS shell on one shared cluster: globs in every path argument,
// -checksum against an independent reference, hflush seen by readers and
// followed by -tail -f, -count -q/-u, -cp of trees, -stat's specifiers, stdin
// with "-", ".." normalization and HDFS's limit on name length.
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/crc32c.h"
#include "common/base/subprocess.h"
#include "tests/integration/shell_fixture.h"
#include "tests/testing/random_bytes.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::WaitFor;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& s) {
  return absl::StrSplit(s, '\n', absl::SkipEmpty());
}

// The last column (the path) of each -ls line.
std::vector<std::string> LsPaths(const std::string& out) {
  std::vector<std::string> paths;
  for (const std::string& line : Lines(out)) {
    if (absl::StartsWith(line, "Found ")) continue;
    std::smatch m;
    if (std::regex_search(line, m, std::regex("[0-9]{2}:[0-9]{2} (.*)$"))) paths.push_back(m[1]);
  }
  return paths;
}

std::string ReadLocal(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class ShellHdfsTest : public testing::ShellFixture {
 protected:
  // The MD5 of `bytes` as md5sum computes it: an implementation independent of
  // ours, for the reference checksum.
  static std::string Md5sum(const std::string& bytes) {
    std::string p = Local("md5-input", bytes);
    absl::StatusOr<CommandResult> r = testing::RunCommand({"md5sum", p});
    EXPECT_TRUE(r.ok() && r->exit_code == 0);
    return r.ok() ? r->out.substr(0, 32) : "";
  }
  static std::string HexToBytes(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
  }
  // HDFS's MD5-of-MD5-of-CRC32C of `data` stored in blocks of `block_size`, as the
  // -checksum line's last two columns.
  static std::string ReferenceChecksum(const std::string& data, size_t block_size) {
    std::string block_md5s;
    size_t num_blocks = 0;
    for (size_t off = 0; off < data.size(); off += block_size, ++num_blocks) {
      std::string crcs;
      std::string block = data.substr(off, block_size);
      for (size_t c = 0; c < block.size(); c += 512) {
        uint32_t crc = crc32c::Value(block.data() + c, std::min<size_t>(512, block.size() - c));
        for (int shift = 24; shift >= 0; shift -= 8) crcs.push_back(static_cast<char>(crc >> shift));
      }
      block_md5s += HexToBytes(Md5sum(crcs));
    }
    uint64_t crc_per_block = num_blocks > 1 ? block_size / 512 : 0;
    return absl::StrCat("MD5-of-", crc_per_block, "MD5-of-512CRC32C\t",
                        absl::StrFormat("%08x%016x", 512, crc_per_block), Md5sum(block_md5s));
  }
};

TEST_F(ShellHdfsTest, GlobsExpandInEveryComponentSorted) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/g/sub", "/g/other"}).exit_code, 0);
  for (const char* f : {"/g/b1.txt", "/g/a2.txt", "/g/a1.txt", "/g/sub/x.log", "/g/other/y.log"}) {
    ASSERT_EQ(Fs({"-put", "-", f}, f).exit_code, 0) << f;
  }
  CommandResult r = Fs({"-ls", "/g/a*"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(LsPaths(r.out), ::testing::ElementsAre("/g/a1.txt", "/g/a2.txt"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/?1.txt"}).out), ::testing::ElementsAre("/g/a1.txt", "/g/b1.txt"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/[ab]1*"}).out), ::testing::ElementsAre("/g/a1.txt", "/g/b1.txt"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/[a-b]2*"}).out), ::testing::ElementsAre("/g/a2.txt"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "-d", "/g/[^ab]*"}).out),
              ::testing::ElementsAre("/g/other", "/g/sub"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/{b1,a2}.txt"}).out),
              ::testing::ElementsAre("/g/a2.txt", "/g/b1.txt"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/{sub,oth{er,xx}}/*.log"}).out),
              ::testing::ElementsAre("/g/other/y.log", "/g/sub/x.log"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g*/sub/*"}).out), ::testing::ElementsAre("/g/sub/x.log"));
  EXPECT_EQ(Fs({"-cat", "/g/a*"}).out, "/g/a1.txt/g/a2.txt");
  // Globs in -du, -count, -stat, -cp, -mv, -get and relative to the home directory.
  EXPECT_EQ(Lines(Fs({"-du", "/g/*.txt"}).out).size(), 3u);
  EXPECT_EQ(Lines(Fs({"-count", "/g/a*"}).out).size(), 2u);
  EXPECT_EQ(Fs({"-stat", "%n", "/g/*1.txt"}).out, "a1.txt\nb1.txt\n");
  ASSERT_EQ(Fs({"-mkdir", "/g/copies"}).exit_code, 0);
  EXPECT_EQ(Fs({"-cp", "/g/a*", "/g/copies"}).exit_code, 0);
  EXPECT_THAT(LsPaths(Fs({"-ls", "/g/copies"}).out),
              ::testing::ElementsAre("/g/copies/a1.txt", "/g/copies/a2.txt"));
  std::string got_dir = local_->path() + "/globbed";
  ASSERT_EQ(::mkdir(got_dir.c_str(), 0755), 0);
  EXPECT_EQ(Fs({"-get", "/g/copies/*", got_dir}).exit_code, 0);
  EXPECT_EQ(ReadLocal(got_dir + "/a2.txt"), "/g/a2.txt");
  ASSERT_EQ(Fs({"-mkdir", "-p", "/user/tester/gl"}).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "gl/one", "gl/two"}).exit_code, 0);
  r = Fs({"-ls", "gl/t*"});
  EXPECT_THAT(LsPaths(r.out), ::testing::ElementsAre("gl/two"));
  EXPECT_EQ(Fs({"-rm", "-skipTrash", "gl/*"}).out, "Deleted gl/one\nDeleted gl/two\n");
}

TEST_F(ShellHdfsTest, GlobsThatMatchNothingOrAreMalformedGiveHdfsErrors) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/gn"}).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "/gn/f"}).exit_code, 0);
  CommandResult r = Fs({"-ls", "/gn/x*"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ls: `/gn/x*': No such file or directory\n");
  EXPECT_EQ(r.out, "");
  r = Fs({"-cat", "/nothing*/f"});
  EXPECT_EQ(r.err, "cat: `/nothing*/f': No such file or directory\n");
  // Other arguments still run.
  r = Fs({"-ls", "/gn/x*", "/gn/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(LsPaths(r.out), ::testing::ElementsAre("/gn/f"));
  r = Fs({"-rm", "-f", "/gn/x*"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  r = Fs({"-ls", "/gn/[ab"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("ls: Illegal file pattern: Unclosed character class near index 3"));
  r = Fs({"-ls", "/gn/{a,b"});
  EXPECT_THAT(r.err, StartsWith("ls: Illegal file pattern: Unclosed group"));
  // An escaped wildcard is a plain character.
  ASSERT_EQ(Fs({"-touchz", "/gn/st\\*r"}).exit_code, 0);
  EXPECT_THAT(LsPaths(Fs({"-ls", "/gn/st\\*r"}).out), ::testing::ElementsAre("/gn/st*r"));
  EXPECT_THAT(LsPaths(Fs({"-ls", "/gn/s*"}).out), ::testing::ElementsAre("/gn/st*r"));
}

TEST_F(ShellHdfsTest, ChecksumMatchesAnIndependentReference) {
  std::string small = testing::RandomBytes(300000, 7);
  std::string big = testing::RandomBytes(2 * 1048576 + 70000, 8);
  ASSERT_EQ(Fs({"-put", "-", "/ck-small"}, small).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/ck-big"}, big).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "/ck-empty"}).exit_code, 0);
  CommandResult r = Fs({"-checksum", "/ck-small", "/ck-big", "/ck-empty"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "/ck-small\t" + ReferenceChecksum(small, 1048576));
  EXPECT_THAT(lines[0], StartsWith("/ck-small\tMD5-of-0MD5-of-512CRC32C\t000002000000000000000000"));
  EXPECT_EQ(lines[1], "/ck-big\t" + ReferenceChecksum(big, 1048576));
  EXPECT_THAT(lines[1], StartsWith("/ck-big\tMD5-of-2048MD5-of-512CRC32C\t00000200"));
  // HDFS's value for an empty file.
  EXPECT_EQ(lines[2], "/ck-empty\tMD5-of-0MD5-of-0CRC32\t"
                      "00000000000000000000000070bc8f4b72a86921468bf8e8441dce51");
  r = Fs({"-checksum", "-v", "/ck-small"});
  EXPECT_THAT(r.out, EndsWith("\tBlockSize=1048576\n"));
  r = Fs({"-checksum", "/", "/ck-none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "checksum: `/': Is a directory\nchecksum: `/ck-none': No such file or directory\n");
  // Same bytes written another way (odd hflushes, a copy): the same checksum.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> client, cluster_->NewDfsClient());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out,
                       client->Create("/ck-hflushed", {.block_size = 1048576}));
  for (size_t off = 0; off < small.size(); off += 77777) {
    ASSERT_OK(out->Write(absl::string_view(small).substr(off, 77777)));
    ASSERT_OK(out->Hflush());
  }
  ASSERT_OK(out->Close());
  ASSERT_EQ(Fs({"-cp", "/ck-small", "/ck-copy"}).exit_code, 0);
  r = Fs({"-checksum", "/ck-hflushed", "/ck-copy"});
  EXPECT_EQ(r.out, absl::StrCat("/ck-hflushed\t", ReferenceChecksum(small, 1048576), "\n",
                                "/ck-copy\t", ReferenceChecksum(small, 1048576), "\n"));
  ASSERT_OK_AND_ASSIGN(FileChecksum api, client->GetFileChecksum("/ck-big"));
  EXPECT_EQ(api.algorithm, "MD5-of-2048MD5-of-512CRC32C");
  EXPECT_EQ(api.length, 28u);
  EXPECT_EQ(api.bytes.size(), 28u);
}

TEST_F(ShellHdfsTest, HflushedBytesAreSeenByNewReaders) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> writer, cluster_->NewDfsClient());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> reader, cluster_->NewDfsClient());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out,
                       writer->Create("/hflush", {.block_size = 1048576}));
  std::string data = testing::RandomBytes(1048576 + 5000, 3);
  size_t written = 0;
  // Mid-chunk, across chunks, across the block boundary.
  for (size_t step : {100u, 700u, 1048576u - 800u + 10u, 4190u}) {
    ASSERT_OK(out->Write(absl::string_view(data).substr(written, step)));
    written += step;
    ASSERT_OK(out->Hflush());
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsInputStream> in, reader->Open("/hflush"));
    EXPECT_EQ(in->length(), written);
    ASSERT_OK_AND_ASSIGN(std::string got, reader->ReadFile("/hflush"));
    EXPECT_EQ(got, data.substr(0, written)) << "after " << written << " bytes";
    // The shell reads it too.
    EXPECT_EQ(Fs({"-cat", "/hflush"}).out.size(), written);
  }
  // Bytes written but not flushed need not be visible; after Close all are.
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(std::string got, reader->ReadFile("/hflush"));
  EXPECT_EQ(got, data.substr(0, written));
  EXPECT_EQ(Fs({"-stat", "%b", "/hflush"}).out, absl::StrCat(written, "\n"));
}

TEST_F(ShellHdfsTest, TailFollowsAFileBeingHflushedAndAppended) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> writer, cluster_->NewDfsClient());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out, writer->Create("/follow", {}));
  ASSERT_OK(out->Write("one\n"));
  ASSERT_OK(out->Hflush());
  std::string out_path = local_->path() + "/tail.out";
  ASSERT_OK_AND_ASSIGN(
      Subprocess tail,
      Subprocess::Start({testing::HayloftBinary("hayloft"), "--conf", conf_path_, "fs", "-tail",
                         "-f", "-s", "100", "/follow"},
                        {.stdout_path = out_path,
                         .stderr_path = out_path + ".err",
                         .kill_when_parent_exits = true,
                         .env = {{"HAYLOFT_USER", "tester"}}}));
  auto shows = [&](const std::string& want) {
    return WaitFor([&] { return ReadLocal(out_path) == want; }, absl::Seconds(60));
  };
  EXPECT_TRUE(shows("one\n")) << ReadLocal(out_path) << ReadLocal(out_path + ".err");
  ASSERT_OK(out->Write("two\n"));
  ASSERT_OK(out->Hflush());
  EXPECT_TRUE(shows("one\ntwo\n")) << ReadLocal(out_path);
  ASSERT_OK(out->Close());
  // Another process appends from its stdin.
  CommandResult r = Fs({"-appendToFile", "-", "/follow"}, "three\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(shows("one\ntwo\nthree\n")) << ReadLocal(out_path);
  EXPECT_TRUE(tail.IsRunning()) << ReadLocal(out_path + ".err");
  ASSERT_OK(tail.Stop(absl::Seconds(10)).status());
  r = Fs({"-tail", "-s", "0", "/follow"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("followDelay should be positive"));
  EXPECT_EQ(Fs({"-tail", "/follow"}).out, "one\ntwo\nthree\n");
}

TEST_F(ShellHdfsTest, StdinWithDash) {
  EXPECT_EQ(Fs({"-copyFromLocal", "-", "/dash-cfl"}, "from stdin").exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/dash-cfl"}).out, "from stdin");
  EXPECT_EQ(Fs({"-appendToFile", "-", "/dash-app"}, "a").exit_code, 0);
  EXPECT_EQ(Fs({"-appendToFile", "-", "/dash-app"}, "b").exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/dash-app"}).out, "ab");
  CommandResult r = Fs({"-appendToFile", "-", "/no-such-dir/x"}, "a");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
}

TEST_F(ShellHdfsTest, CountWithQuotasPrintsHdfsColumns) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/cq/d"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/cq/d/f"}, std::string(2048, 'q')).exit_code, 0);
  CommandResult r = Fs({"-count", "-q", "/cq"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, absl::StrFormat("%12s %15s %15s %15s %12d %12d %18d /cq\n", "none", "inf",
                                   "none", "inf", 2, 1, 2048));
  r = Fs({"-count", "-q", "-h", "-v", "/cq"});
  EXPECT_EQ(r.out, absl::StrFormat("%12s %15s %15s %15s %12s %12s %18s PATHNAME\n"
                                   "%12s %15s %15s %15s %12d %12d %18s /cq\n",
                                   "QUOTA", "REM_QUOTA", "SPACE_QUOTA", "REM_SPACE_QUOTA",
                                   "DIR_COUNT", "FILE_COUNT", "CONTENT_SIZE", "none", "inf",
                                   "none", "inf", 2, 1, "2 K"));
  r = Fs({"-count", "-u", "-v", "/cq"});
  EXPECT_EQ(r.out, absl::StrFormat("%12s %15s %15s %15s PATHNAME\n%12s %15s %15s %15s /cq\n",
                                   "QUOTA", "REM_QUOTA", "SPACE_QUOTA", "REM_SPACE_QUOTA", "none",
                                   "inf", "none", "inf"));
  EXPECT_EQ(Fs({"-count", "/cq-none"}).err, "count: `/cq-none': No such file or directory\n");
}

TEST_F(ShellHdfsTest, CpCopiesTreesAndOverwritesOnlyWithF) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/cps/a/b"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/cps/top"}, "top").exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/cps/a/b/deep"}, "deep").exit_code, 0);
  CommandResult r = Fs({"-cp", "/cps", "/cpd"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Fs({"-cat", "/cpd/top"}).out, "top");
  EXPECT_EQ(Fs({"-cat", "/cpd/a/b/deep"}).out, "deep");
  // Into an existing directory: the tree goes under it.
  r = Fs({"-cp", "/cps", "/cpd"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Fs({"-cat", "/cpd/cps/a/b/deep"}).out, "deep");
  // Again: every file is in the way.
  r = Fs({"-cp", "/cps", "/cpd"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cp: `/cpd/cps/a/b/deep': File exists\ncp: `/cpd/cps/top': File exists\n");
  ASSERT_EQ(Fs({"-put", "-f", "-", "/cps/top"}, "new top").exit_code, 0);
  EXPECT_EQ(Fs({"-cp", "-f", "/cps", "/cpd"}).exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/cpd/cps/top"}).out, "new top");
  r = Fs({"-cp", "/cps", "/cps/a"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cp: `/cps' to `/cps/a/cps': is a subdirectory of itself\n");
  r = Fs({"-cp", "/cps/top", "/cps/a/b/deep"});
  EXPECT_EQ(r.err, "cp: `/cps/a/b/deep': File exists\n");
}

TEST_F(ShellHdfsTest, StatPrintsEverySpecifier) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/st"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/st/f"}, "12345").exit_code, 0);
  CommandResult r = Fs({"-stat", "%b|%F|%g|%n|%o|%r|%u|%a|%A", "/st/f", "/st"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "5|regular file|supergroup|f|1048576|3|tester|644|rw-r--r--\n"
                   "0|directory|supergroup|st|0|0|tester|755|rwxr-xr-x\n");
  r = Fs({"-stat", "%y|%Y|%x|%X", "/st/f"});
  std::smatch m;
  ASSERT_TRUE(std::regex_match(r.out, m,
                               std::regex("([0-9-]{10} [0-9:]{8})\\|([0-9]+)\\|"
                                          "([0-9-]{10} [0-9:]{8})\\|([0-9]+)\n")))
      << r.out;
  // %y is %Y (ms since the epoch) in UTC.
  int64_t ms = std::stoll(m[2]);
  time_t secs = static_cast<time_t>(ms / 1000);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", gmtime(&secs));
  EXPECT_EQ(m[1], buf);
  EXPECT_GT(std::stoll(m[4]), 0) << "a file's access time is set";
  EXPECT_EQ(Fs({"-stat", "100%% %z", "/st/f"}).out, "100% z\n");
}

TEST_F(ShellHdfsTest, DotDotIsNormalizedAndLongNamesAreRefusedAsHdfsDoes) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/dd/sub"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/dd/f"}, "dd").exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/dd/sub/../f"}).out, "dd");
  EXPECT_THAT(LsPaths(Fs({"-ls", "/dd/sub/../f"}).out), ::testing::ElementsAre("/dd/f"));
  EXPECT_EQ(Fs({"-cat", "/dd/../nope"}).err, "cat: `/nope': No such file or directory\n");
  EXPECT_EQ(Fs({"-stat", "%n", "/dd/./sub/"}).out, "sub\n");
  std::string long_name(300, 'L');
  CommandResult r = Fs({"-mkdir", "/dd/" + long_name});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, absl::StrCat("mkdir: The maximum path component name limit of ", long_name,
                                " in directory /dd is exceeded: limit=255 length=300\n"));
  r = Fs({"-put", "-", "/dd/" + long_name}, "x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is exceeded: limit=255 length="));
  EXPECT_EQ(Fs({"-ls", "/dd/" + long_name}).err,
            absl::StrCat("ls: `/dd/", long_name, "': No such file or directory\n"));
  EXPECT_EQ(Fs({"-mkdir", "/dd/" + std::string(255, 'k')}).exit_code, 0);
  // Spaces, unicode, % and # survive globbing too.
  ASSERT_EQ(Fs({"-mkdir", "-p", "/dd/odd dir"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/dd/odd dir/ünï %#.txt"}, "u").exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/dd/odd dir/ü*"}).out, "u");
  EXPECT_EQ(Fs({"-cat", "/dd/odd*/?nï %#.txt"}).out, "u");
}

}  // namespace
}  // namespace hayloft
