#include "worker/combining_buffer.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

#include "common/base/status_macros.h"

namespace hayloft::worker {
namespace {

std::string_view StdView(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// A key's buffered values, as the combiner reads them.
class ListValues final : public mr::ValueIterator {
 public:
  ListValues(const char* data, uint32_t size) : p_(data), end_(data + size) {}
  bool Next(std::string_view& value) override {
    if (p_ == end_) return false;
    const uint32_t len = DecodeTrustedVarint32(p_);
    value = std::string_view(p_, len);
    p_ += len;
    ++read_;
    return true;
  }
  int64_t read() const { return read_; }

 private:
  const char* p_;
  const char* const end_;
  int64_t read_ = 0;
};

// Calls fn(key, value) for each record of an ifile-format buffer we wrote.
template <typename Fn>
void ForEachRecord(const std::string& records, Fn fn) {
  const char* p = records.data();
  const char* const end = p + records.size();
  while (p < end) {
    const uint32_t klen = DecodeTrustedVarint32(p);
    const uint32_t vlen = DecodeTrustedVarint32(p);
    fn(std::string_view(p, klen), std::string_view(p + klen, vlen));
    p += klen + vlen;
  }
}

}  // namespace

CombiningBuffer::CombiningBuffer(CombiningBufferOptions options, TaskCounters* counters)
    : options_(std::move(options)),
      partitions_(static_cast<size_t>(options_.num_partitions)),
      arena_(options_.arena_block_bytes),
      combine_input_records_(counters->Find(kTaskGroup, "Combine input records")),
      combine_output_records_(counters->Find(kTaskGroup, "Combine output records")),
      spilled_records_(counters->Find(kTaskGroup, "Spilled Records")) {}

CombiningBuffer::~CombiningBuffer() = default;

void CombiningBuffer::Add(int partition, std::string_view key, std::string_view value) {
  partitions_[static_cast<size_t>(partition)].table.prefetch(
      absl::string_view(key.data(), key.size()));
  Batch& batch = batches_[filling_];
  batch.records[batch.count++] = {partition, static_cast<uint32_t>(key.size()),
                                  static_cast<uint32_t>(value.size())};
  batch.bytes.append(key);
  batch.bytes.append(value);
  if (batch.count < static_cast<int>(std::size(batch.records))) return;
  filling_ ^= 1;
  AddBatch(batches_[filling_]);
}

void CombiningBuffer::AddBatch(Batch& batch) {
  const char* p = batch.bytes.data();
  for (int i = 0; i < batch.count; ++i) {
    const Staged& r = batch.records[i];
    AddNow(r.partition, std::string_view(p, r.key_size),
           std::string_view(p + r.key_size, r.value_size));
    p += r.key_size + r.value_size;
  }
  batch.count = 0;
  batch.bytes.clear();
}

void CombiningBuffer::AddNow(int partition, std::string_view key, std::string_view value) {
  Partition& part = partitions_[static_cast<size_t>(partition)];
  auto [stored_key, values] = FindOrInsert(part, key);
  Append(*values, value);
  if (values->count < values->combine_at) return;
  RunCombiner(part, stored_key, *values);
  TakeEmitted(stored_key, values, &misfits_);
  // A combiner that keeps most of its input gets called less often, so that the
  // work stays linear (an identity combiner would otherwise run on every Add).
  values->combine_at = std::max(options_.combine_threshold, 2 * values->count);
  AddRecords(part, misfits_);
  misfits_.clear();
}

CombiningBuffer::StoredKey::StoredKey(std::string_view key, ByteArena& arena)
    : size_(static_cast<uint32_t>(key.size())) {
  if (key.size() <= sizeof(bytes_)) {
    std::memcpy(bytes_, key.data(), key.size());
  } else {
    char* copy = arena.Allocate(key.size());
    std::memcpy(copy, key.data(), key.size());
    data_ = copy;
  }
}

std::pair<std::string_view, CombiningBuffer::Values*> CombiningBuffer::FindOrInsert(
    Partition& part, std::string_view key) {
  const absl::string_view k(key.data(), key.size());
  if (auto it = part.table.find(k); it != part.table.end()) {
    return {StdView(it->first), &it->second};
  }
  const size_t capacity = part.table.capacity();
  auto it = part.table.emplace(StoredKey(key, arena_), Values()).first;
  it->second.combine_at = options_.combine_threshold;
  table_bytes_ += static_cast<int64_t>((part.table.capacity() - capacity) *
                                       (sizeof(Table::value_type) + 1));
  ++keys_;
  return {StdView(it->first), &it->second};
}

void CombiningBuffer::Append(Values& values, std::string_view value) {
  char header[5];
  const size_t header_size = EncodeVarint32(static_cast<uint32_t>(value.size()), header);
  const size_t need = header_size + value.size();
  if (values.size + need > values.capacity) {
    // Doubling: a frequent key moves O(log n) times; the old copy stays in the
    // arena until the spill, at most as many bytes as the live ones.
    const size_t capacity = std::max({size_t{16}, size_t{2} * values.capacity,
                                      size_t{values.size} + need});
    char* data = arena_.Allocate(capacity);
    if (values.size > 0) std::memcpy(data, values.data, values.size);
    values.data = data;
    values.capacity = static_cast<uint32_t>(capacity);
  }
  std::memcpy(values.data + values.size, header, header_size);
  if (!value.empty()) std::memcpy(values.data + values.size + header_size, value.data(), value.size());
  values.size += static_cast<uint32_t>(need);
  ++values.count;
}

void CombiningBuffer::RunCombiner(Partition& part, std::string_view key, const Values& values) {
  if (part.combiner == nullptr) {
    part.combiner = options_.combiner.new_combiner();
    part.context = options_.combiner.new_combine_context([this](std::string_view k, std::string_view v) {
      AppendRecord(emitted_, k, v);
      ++*combine_output_records_;
    });
    part.combiner->Setup(*part.context);
  }
  ListValues list(values.data, values.size);
  part.combiner->Reduce(key, list, *part.context);
  *combine_input_records_ += list.read();
}

void CombiningBuffer::TakeEmitted(std::string_view key, Values* values, std::string* misfits) {
  if (values != nullptr) {
    // The combiner has returned: its input, which these bytes held, is consumed.
    values->size = 0;
    values->count = 0;
  }
  ForEachRecord(emitted_, [&](std::string_view k, std::string_view v) {
    if (values != nullptr && k == key) {
      Append(*values, v);
    } else {
      AppendRecord(*misfits, k, v);
    }
  });
  emitted_.clear();
}

void CombiningBuffer::AddRecords(Partition& part, const std::string& records) {
  ForEachRecord(records, [&](std::string_view k, std::string_view v) {
    Append(*FindOrInsert(part, k).second, v);
  });
}

void CombiningBuffer::CombinePartition(Partition& part) {
  // Records the combiner emits under other keys are added after the loop: adding
  // keys while iterating the table would invalidate the iteration.
  for (auto& [stored_key, values] : part.table) {
    if (values.count < 2) continue;  // nothing to combine; running it is optional
    const std::string_view key = StdView(stored_key);
    RunCombiner(part, key, values);
    TakeEmitted(key, &values, &misfits_);
  }
  if (part.combiner != nullptr) {
    part.combiner->Cleanup(*part.context);
    TakeEmitted({}, nullptr, &misfits_);
    part.combiner.reset();
    part.context.reset();
  }
  AddRecords(part, misfits_);
  misfits_.clear();
}

void CombiningBuffer::WritePartition(const Partition& part, SegmentFileWriter& out) {
  struct Item {
    uint64_t prefix;
    const char* key;
    size_t key_len;
    const Values* values;
  };
  std::vector<Item> items;
  items.reserve(part.table.size());
  for (const auto& [key, values] : part.table) {
    if (values.count == 0) continue;
    const absl::string_view k = key;
    items.push_back({KeyPrefix(k.data(), k.size()), k.data(), k.size(), &values});
  }
  // Keys are distinct, so no two items compare equal.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return std::string_view(a.key, a.key_len) < std::string_view(b.key, b.key_len);
  });
  for (const Item& item : items) {
    const std::string_view key(item.key, item.key_len);
    ListValues list(item.values->data, item.values->size);
    std::string_view value;
    while (list.Next(value)) out.Append(key, value);
    *spilled_records_ += list.read();
  }
}

absl::Status CombiningBuffer::Spill(SegmentFileWriter& out) {
  AddBatch(batches_[filling_ ^ 1]);  // the older batch first
  AddBatch(batches_[filling_]);
  for (Partition& part : partitions_) {
    CombinePartition(part);
    WritePartition(part, out);
    HL_RETURN_IF_ERROR(out.EndSegment());
  }
  for (Partition& part : partitions_) Table().swap(part.table);
  arena_.Clear();
  table_bytes_ = 0;
  keys_ = 0;
  return absl::OkStatus();
}

}  // namespace hayloft::worker
