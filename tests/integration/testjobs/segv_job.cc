// A job library whose mapper dereferences a null pointer on its first record:
// every attempt dies with SIGSEGV. For the retry tests.
#include <csignal>
#include <cstdio>

#include "hayloft/mapreduce.h"

namespace {

class CrashingMapper final : public hayloft::mr::Mapper {
 public:
  void Map(std::string_view, std::string_view, hayloft::mr::MapContext&) override {
    std::fprintf(stderr, "segv_job: about to crash\n");
    std::fflush(stderr);
    volatile int* p = nullptr;
    *p = 42;
  }
};

class SegvJob final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2) return "Usage: segv_job <in> <out>";
    spec.input_paths = {args[0]};
    spec.output_path = args[1];
    spec.num_reduces = 0;
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<CrashingMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override { return nullptr; }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(SegvJob)
