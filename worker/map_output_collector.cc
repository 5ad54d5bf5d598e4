#include "worker/map_output_collector.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/server/daemon_util.h"

namespace hayloft::worker {
namespace {

// The values of the current key of a sorted stream. Reading past them leaves the
// stream on the next key (or at its end).
class GroupValues final : public mr::ValueIterator {
 public:
  GroupValues(RecordStream& in, std::string key, TaskCounters& counters,
              const std::string& record_counter)
      : in_(in), key_(std::move(key)), counters_(counters), record_counter_(record_counter) {}

  bool Next(std::string_view& value) override {
    if (done_) return false;
    if (first_) {
      first_ = false;
    } else {
      absl::StatusOr<bool> more = in_.Next();
      if (!more.ok()) {
        status_ = more.status();
        done_ = true;
        ended_ = true;
        return false;
      }
      if (!*more) {
        done_ = true;
        ended_ = true;
        return false;
      }
      if (in_.key() != key_) {
        done_ = true;
        return false;
      }
    }
    if (!record_counter_.empty()) counters_.Increment(kTaskGroup, record_counter_);
    value = in_.value();
    return true;
  }
  // Skips values the reducer did not read.
  void Drain() {
    std::string_view v;
    while (Next(v)) {
    }
  }
  bool ended() const { return ended_; }
  const absl::Status& status() const { return status_; }

 private:
  RecordStream& in_;
  const std::string key_;
  TaskCounters& counters_;
  const std::string& record_counter_;
  bool first_ = true;
  bool done_ = false;
  bool ended_ = false;  // the stream has no more records
  absl::Status status_;
};

// A sorted view of some buffered records.
class SortedBufferStream final : public RecordStream {
 public:
  SortedBufferStream(const std::string& data, std::vector<std::string_view> keys,
                     std::vector<std::string_view> values)
      : keys_(std::move(keys)), values_(std::move(values)) {
    (void)data;
  }
  absl::StatusOr<bool> Next() override { return ++pos_ < keys_.size(); }
  std::string_view key() const override { return keys_[pos_]; }
  std::string_view value() const override { return values_[pos_]; }

 private:
  std::vector<std::string_view> keys_, values_;
  size_t pos_ = static_cast<size_t>(-1);
};

// What std::sort moves while sorting the spill buffer: enough to decide most
// comparisons without reading the records, whose random reads (cache misses)
// were most of a map task's time.
struct SortEntry {
  uint64_t prefix;
  uint32_t partition;
  uint32_t key_len;
  uint32_t index;  // into meta_, which is in emit order
};

}  // namespace

absl::Status ReduceStream(RecordStream& input, mr::Reducer& reducer, mr::ReduceContext& ctx,
                          TaskCounters& counters, const GroupCounters& names) {
  HL_ASSIGN_OR_RETURN(bool more, input.Next());
  while (more) {
    if (!names.groups.empty()) counters.Increment(kTaskGroup, names.groups);
    std::string key(input.key());  // the stream's view dies as values are read
    GroupValues values(input, key, counters, names.input_records);
    reducer.Reduce(key, values, ctx);
    values.Drain();
    HL_RETURN_IF_ERROR(values.status());
    more = !values.ended();
  }
  return absl::OkStatus();
}

namespace {

int64_t SpillLimit(const MapOutputCollectorOptions& o) {
  return static_cast<int64_t>(static_cast<double>(o.buffer_bytes) * o.spill_percent);
}

std::unique_ptr<CombiningBuffer> NewCombiningBuffer(const MapOutputCollectorOptions& o,
                                                    TaskCounters* counters) {
  if (!o.combiner.new_combiner) return nullptr;
  CombiningBufferOptions c;
  c.num_partitions = o.num_partitions;
  c.combine_threshold = o.combine_threshold;
  // Blocks of at most 1/16 of the limit, so that a small buffer (tests, tiny
  // sort.mb) still spills on its bytes rather than on its first block.
  c.arena_block_bytes = static_cast<size_t>(
      std::clamp<int64_t>(SpillLimit(o) / 16, 256, int64_t{1} << 20));
  c.combiner = o.combiner;
  return std::make_unique<CombiningBuffer>(std::move(c), counters);
}

}  // namespace

MapOutputCollector::MapOutputCollector(MapOutputCollectorOptions options, TaskCounters* counters)
    : options_(std::move(options)),
      counters_(counters),
      map_output_records_(counters->Find(kTaskGroup, "Map output records")),
      map_output_bytes_(counters->Find(kTaskGroup, "Map output bytes")),
      spilled_records_(counters->Find(kTaskGroup, "Spilled Records")),
      combining_(NewCombiningBuffer(options_, counters)) {}

int64_t MapOutputCollector::buffered_bytes() const {
  if (combining_ != nullptr) return combining_->bytes_used();
  return static_cast<int64_t>(data_.size() + meta_.size() * sizeof(Meta));
}

absl::Status MapOutputCollector::Collect(int partition, std::string_view key,
                                         std::string_view value) {
  if (partition < 0 || partition >= options_.num_partitions) {
    return absl::InvalidArgumentError(absl::StrCat("illegal partition ", partition, " for key '",
                                                   std::string(key), "' (", options_.num_partitions,
                                                   " partitions)"));
  }
  ++*map_output_records_;
  *map_output_bytes_ += static_cast<int64_t>(key.size() + value.size());
  if (combining_ != nullptr) {
    combining_->Add(partition, key, value);
  } else {
    meta_.push_back({static_cast<uint32_t>(partition), static_cast<uint32_t>(key.size()),
                     static_cast<uint32_t>(value.size()), data_.size()});
    data_.append(key);
    data_.append(value);
  }
  if (buffered_bytes() >= SpillLimit(options_)) return SpillBuffer();
  return absl::OkStatus();
}

// The indexes of meta_ in (partition, key) order, records with equal keys in emit
// order.
std::vector<uint32_t> MapOutputCollector::SortedOrder(const char* base) const {
  std::vector<SortEntry> entries(meta_.size());
  for (size_t i = 0; i < meta_.size(); ++i) {
    const Meta& m = meta_[i];
    entries[i] = {KeyPrefix(base + m.offset, m.key_len), m.partition, m.key_len,
                  static_cast<uint32_t>(i)};
  }
  const std::vector<Meta>& meta = meta_;
  std::sort(entries.begin(), entries.end(), [&meta, base](const SortEntry& a, const SortEntry& b) {
    if (a.partition != b.partition) return a.partition < b.partition;
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    // Equal first 8 bytes: when a key has at most 8, it is a prefix of the other.
    if (a.key_len > 8 && b.key_len > 8) {
      const char* ka = base + meta[a.index].offset + 8;
      const char* kb = base + meta[b.index].offset + 8;
      int c = std::string_view(ka, a.key_len - 8).compare(std::string_view(kb, b.key_len - 8));
      if (c != 0) return c < 0;
    } else if (a.key_len != b.key_len) {
      return a.key_len < b.key_len;
    }
    return a.index < b.index;
  });
  std::vector<uint32_t> order(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].index;
  return order;
}

absl::Status MapOutputCollector::SpillBuffer() {
  Spill spill;
  spill.path = absl::StrCat(options_.dir, "/spill", spills_.size(), ".out");
  HL_ASSIGN_OR_RETURN(std::unique_ptr<SegmentFileWriter> out, SegmentFileWriter::Open(spill.path));
  if (combining_ != nullptr) {
    HL_RETURN_IF_ERROR(combining_->Spill(*out));
  } else {
    HL_RETURN_IF_ERROR(SortAndSpill(*out));
  }
  HL_RETURN_IF_ERROR(out->Close());
  spill.index = out->index();
  spills_.push_back(std::move(spill));
  return absl::OkStatus();
}

absl::Status MapOutputCollector::SortAndSpill(SegmentFileWriter& out) {
  const char* base = data_.data();
  const std::vector<uint32_t> order = SortedOrder(base);
  size_t i = 0;
  for (int p = 0; p < options_.num_partitions; ++p) {
    std::vector<std::string_view> keys, values;
    for (; i < order.size() && meta_[order[i]].partition == static_cast<uint32_t>(p); ++i) {
      const Meta& m = meta_[order[i]];
      keys.emplace_back(base + m.offset, m.key_len);
      values.emplace_back(base + m.offset + m.key_len, m.value_len);
    }
    SortedBufferStream sorted(data_, std::move(keys), std::move(values));
    HL_RETURN_IF_ERROR(WritePartition(sorted, out, /*combine=*/false).status());
    HL_RETURN_IF_ERROR(out.EndSegment());
  }
  data_.clear();
  meta_.clear();
  return absl::OkStatus();
}

absl::StatusOr<bool> MapOutputCollector::WritePartition(RecordStream& sorted,
                                                        SegmentFileWriter& out, bool combine) {
  const uint64_t first = out.records();
  if (!combine) {
    while (true) {
      HL_ASSIGN_OR_RETURN(bool more, sorted.Next());
      if (!more) break;
      out.Append(sorted.key(), sorted.value());
    }
    *spilled_records_ += static_cast<int64_t>(out.records() - first);
    return true;
  }
  // A combiner may emit keys other than its input's (or emit late, as a streaming
  // one does): each record is written only if it keeps the segment sorted.
  bool in_order = true;
  bool any = false;
  std::string last;
  int64_t* const combine_output = counters_->Find(kTaskGroup, "Combine output records");
  std::unique_ptr<mr::Reducer> combiner = options_.combiner.new_combiner();
  std::unique_ptr<mr::ReduceContext> ctx = options_.combiner.new_combine_context(
      [&](std::string_view k, std::string_view v) {
        ++*combine_output;
        if (!in_order) return;
        if (any && k < std::string_view(last)) {
          in_order = false;
          return;
        }
        if (!any || k != std::string_view(last)) last.assign(k.data(), k.size());
        any = true;
        out.Append(k, v);
      });
  combiner->Setup(*ctx);
  HL_RETURN_IF_ERROR(ReduceStream(sorted, *combiner, *ctx, *counters_,
                                  {"", "Combine input records", ""}));
  combiner->Cleanup(*ctx);
  if (in_order) *spilled_records_ += static_cast<int64_t>(out.records() - first);
  return in_order;
}

absl::Status MapOutputCollector::Finish() {
  const bool buffered = combining_ != nullptr ? !combining_->empty() : !meta_.empty();
  if (buffered || spills_.empty()) HL_RETURN_IF_ERROR(SpillBuffer());
  if (spills_.size() == 1) {
    if (std::rename(spills_[0].path.c_str(), output_path().c_str()) != 0) {
      return absl::InternalError(absl::StrCat("rename ", spills_[0].path, " to ", output_path()));
    }
    return daemon::WriteFileDurably(index_path(), EncodeIndex(spills_[0].index));
  }
  return MergeSpills();
}

absl::Status MapOutputCollector::MergeSpills() {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<SegmentFileWriter> out,
                      SegmentFileWriter::Open(output_path()));
  for (int p = 0; p < options_.num_partitions; ++p) {
    const bool combine = static_cast<bool>(options_.combiner.new_combiner);
    HL_ASSIGN_OR_RETURN(bool in_order, MergePartition(p, *out, combine));
    if (!in_order) {
      // The combiner may run 0..n times: this partition goes without it.
      LOG(WARNING) << "the combiner emitted keys out of order while merging partition " << p
                   << "; merging it again without the combiner";
      HL_RETURN_IF_ERROR(out->DiscardSegment());
      HL_RETURN_IF_ERROR(MergePartition(p, *out, /*combine=*/false).status());
    }
    HL_RETURN_IF_ERROR(out->EndSegment());
  }
  HL_RETURN_IF_ERROR(out->Close());
  for (const Spill& s : spills_) std::remove(s.path.c_str());
  return daemon::WriteFileDurably(index_path(), EncodeIndex(out->index()));
}

absl::StatusOr<bool> MapOutputCollector::MergePartition(int partition, SegmentFileWriter& out,
                                                        bool combine) {
  std::vector<std::unique_ptr<RecordStream>> inputs;
  for (const Spill& s : spills_) {
    const SegmentIndexEntry& e = s.index[static_cast<size_t>(partition)];
    if (e.length == 0) continue;
    HL_ASSIGN_OR_RETURN(std::unique_ptr<RecordStream> in,
                        NewFileSegmentStream(s.path, e.offset, e.length));
    inputs.push_back(std::move(in));
  }
  std::unique_ptr<RecordStream> merged = NewMergingStream(std::move(inputs));
  return WritePartition(*merged, out, combine);
}

}  // namespace hayloft::worker
