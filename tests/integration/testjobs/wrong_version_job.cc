// A library that claims another API version: loaders must refuse it.
#include "hayloft/mapreduce.h"

extern "C" __attribute__((visibility("default"))) const HayloftJobLibraryEntry*
hayloft_job_library_entry() {
  static const HayloftJobLibraryEntry entry = {hayloft::mr::kApiVersion + 998, "future", nullptr};
  return &entry;
}
