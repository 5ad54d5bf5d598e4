// FsShell: -checksum, printed as Hadoop's Display.Checksum prints it.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/fs_shell.h"
#include "common/base/md5.h"

namespace hayloft {

int FsShell::Checksum(const std::set<std::string>& f, const Args& a) {
  for (const std::string& p : a) {
    std::optional<FileStatus> st = StatFile(p);
    if (!st) continue;
    absl::StatusOr<FileChecksum> sum = client_->GetFileChecksum(p);
    if (!sum.ok()) {
      PathError(p, sum.status());
      continue;
    }
    std::string line = absl::StrCat(p, "\t", sum->algorithm, "\t",
                                    Md5::Hex(absl::string_view(sum->bytes).substr(0, sum->length)));
    if (f.count("-v")) absl::StrAppend(&line, "\tBlockSize=", st->block_size());
    *io_.out << line << "\n";
  }
  return ExitCode();
}

}  // namespace hayloft
