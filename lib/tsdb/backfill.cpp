#include "tsdb/backfill.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/core.h>

#include "model/labels.h"
#include "textparse/openmetrics.h"
#include "tsdb/block.h"
#include "tsdb/block_writer.h"

namespace promkit::tsdb {
namespace {

// Samples handed to a worker at a time, and how many such batches may wait per worker before
// the parser waits (bounds the memory in flight).
constexpr size_t kBatchSamples = 4096;
constexpr size_t kMaxQueuedBatches = 16;
// How much more input is parsed before telling the caller again that it is done with it.
constexpr size_t kReleaseEvery = 8 << 20;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Sample {
  uint32_t series;  // index in SeriesTable
  int64_t t;
  double v;
  size_t offset;  // of the sample's line in the input, for error positions
};

struct SeriesInfo {
  model::Labels labels;
  util::Status invalid;  // why the head would refuse this label set, if it would
};

// The series seen so far, appended by the parsing thread and read by the workers. Entries never
// move (segments of doubling size), so a worker may read every entry whose index reached it
// through a queue (whose mutex orders the write before the read) while new ones are added.
class SeriesTable {
 public:
  uint32_t Add(SeriesInfo info) {
    auto [seg, pos] = Locate(size_);
    if (pos == 0) segs_[seg] = std::make_unique<SeriesInfo[]>(kFirst << seg);
    segs_[seg][pos] = std::move(info);
    return size_++;
  }
  const SeriesInfo& Get(uint32_t id) const {
    auto [seg, pos] = Locate(id);
    return segs_[seg][pos];
  }

 private:
  static constexpr size_t kFirst = 1024;
  // Segment k holds kFirst << k entries, starting at index (2^k - 1) * kFirst.
  static std::pair<size_t, size_t> Locate(uint32_t id) {
    const size_t m = id / kFirst + 1;
    const size_t seg = static_cast<size_t>(std::bit_width(m) - 1);
    return {seg, id - ((size_t{1} << seg) - 1) * kFirst};
  }
  std::array<std::unique_ptr<SeriesInfo[]>, 24> segs_;
  uint32_t size_ = 0;
};

// One block in the making: the samples of [index*duration, (index+1)*duration).
struct Window {
  Window(int64_t index, int64_t chunk_range) : index(index), builder(chunk_range) {}
  int64_t index;
  BlockBuilder builder;
  std::vector<uint32_t> local;  // global series -> builder ref + 1; 0: not yet in the builder
  size_t uncommitted = 0;
  util::Status err;  // the first append error (the window takes no samples after it)
  size_t err_offset = 0;
};

struct Batch {
  int64_t window;
  std::vector<Sample> samples;
};

// Appends the samples of the windows it owns, in the order they arrive. The parsing thread
// pushes batches; the worker thread owns its windows until it is joined.
class Worker {
 public:
  Worker(const SeriesTable& table, int64_t chunk_range, size_t per_commit)
      : table_(table), chunk_range_(chunk_range), per_commit_(per_commit) {
    thread_ = std::jthread([this] { Run(); });
  }

  void Push(Batch b) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < kMaxQueuedBatches; });
    queue_.push_back(std::move(b));
    ready_.notify_one();
  }
  // Ends the input; with `commit`, the windows' last batches are committed before the thread
  // ends. Then waits for it.
  void Finish(bool commit) {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      commit_at_end_ = commit;
      if (!commit) queue_.clear();
      ready_.notify_one();
    }
    thread_.join();
  }
  std::map<int64_t, std::unique_ptr<Window>>& windows() { return windows_; }

 private:
  void Run() {
    while (true) {
      Batch b;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) break;
        b = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      Process(b);
    }
    if (commit_at_end_) {
      for (auto& [i, w] : windows_) {
        if (w->err.ok()) w->builder.Commit();
      }
    }
  }

  void Process(const Batch& b) {
    std::unique_ptr<Window>& slot = windows_[b.window];
    if (!slot) slot = std::make_unique<Window>(b.window, chunk_range_);
    Window& w = *slot;
    for (const Sample& s : b.samples) {
      if (!w.err.ok()) return;
      if (w.local.size() <= s.series)
        w.local.resize(std::max<size_t>(s.series + 1, 2 * w.local.size()));
      uint32_t& ref = w.local[s.series];
      if (ref == 0) {
        const SeriesInfo& info = table_.Get(s.series);
        if (!info.invalid.ok()) {
          w.err = info.invalid;
          w.err_offset = s.offset;
          return;
        }
        ref = static_cast<uint32_t>(w.builder.GetOrCreate(info.labels)) + 1;
      }
      util::Status st = w.builder.Stage(BlockBuilder::SeriesRef{ref - 1}, s.t, s.v);
      if (!st.ok()) {
        w.err = std::move(st);
        w.err_offset = s.offset;
        return;
      }
      if (++w.uncommitted >= per_commit_) {
        w.builder.Commit();
        w.uncommitted = 0;
      }
    }
  }

  const SeriesTable& table_;
  const int64_t chunk_range_;
  const size_t per_commit_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<Batch> queue_;     // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  bool commit_at_end_ = false;  // guarded by mu_
  std::map<int64_t, std::unique_ptr<Window>> windows_;
  std::jthread thread_;  // last: started after the members it uses
};

// Go's integer division rounds toward zero; window indexes round down.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The series' label set as promtool hands it to the appender: the parsed labels with the
// custom ones set, empty values dropped; invalid sets as upstream's head refuses them.
SeriesInfo MakeSeries(model::Labels parsed, const BackfillOptions& opts) {
  SeriesInfo info;
  if (!opts.labels.empty()) {
    model::LabelsBuilder b(std::move(parsed));
    for (const auto& [name, value] : opts.labels) b.Set(name, value);
    parsed = b.Build();
  }
  info.labels = parsed.WithoutEmpty();
  if (info.labels.empty()) {
    info.invalid = util::Status::InvalidArgument("empty labelset: invalid sample");
  } else if (info.labels.HasDuplicateNames()) {
    info.invalid = util::Status::InvalidArgument(fmt::format(
        "label name \"{}\" is not unique: invalid sample", info.labels.FirstDuplicateName()));
  }
  return info;
}

// Writes the windows' blocks with `threads` threads and reports them in order; stops at the
// first failure, removing blocks of later windows written meanwhile, so the directory holds
// what a sequential run would have left.
std::optional<BackfillFailure> FlushInOrder(
    const std::vector<Window*>& windows, unsigned threads, const std::string& out_dir,
    util::Env* env, const std::function<void(const CreatedBlock&)>& on_block) {
  struct Slot {
    bool done = false;
    util::Result<CreatedBlock> result = util::Status::Internal("not written");
  };
  std::vector<Slot> slots(windows.size());
  std::mutex mu;
  std::condition_variable done_cv;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto flush_one = [&](size_t i) -> util::Result<CreatedBlock> {
    util::Result<BlockMeta> meta = windows[i]->builder.Flush(out_dir, env);
    if (!meta.ok()) return meta.status().Wrap("flush");
    CreatedBlock cb;
    cb.meta = std::move(*meta);
    if (!cb.meta.ulid.empty()) {
      util::Result<std::shared_ptr<Block>> b = Block::Open(out_dir + "/" + cb.meta.ulid);
      if (!b.ok()) return b.status().Wrap("get blocks");
      cb.size = (*b)->size();
    }
    return cb;
  };
  {
    std::vector<std::jthread> pool;
    const unsigned n = std::max(1u, std::min<unsigned>(threads, windows.size()));
    for (unsigned k = 0; k < n; ++k) {
      pool.emplace_back([&] {
        while (!stop.load()) {
          const size_t i = next.fetch_add(1);
          if (i >= windows.size()) break;
          util::Result<CreatedBlock> r = flush_one(i);
          std::lock_guard lock(mu);
          slots[i].result = std::move(r);
          slots[i].done = true;
          done_cv.notify_all();
        }
      });
    }
    std::optional<BackfillFailure> failure;
    size_t failed_at = windows.size();
    for (size_t i = 0; i < windows.size(); ++i) {
      std::unique_lock lock(mu);
      done_cv.wait(lock, [&] { return slots[i].done; });
      if (!slots[i].result.ok()) {
        failure =
            BackfillFailure{slots[i].result.status().Wrap("block creation: process blocks"), {}};
        failed_at = i;
        stop.store(true);
        break;
      }
      CreatedBlock cb = *slots[i].result;
      lock.unlock();
      if (!cb.meta.ulid.empty()) on_block(cb);
    }
    if (!failure) return std::nullopt;
    for (std::jthread& t : pool) t.join();
    for (size_t i = failed_at + 1; i < windows.size(); ++i) {
      if (slots[i].done && slots[i].result.ok() && !slots[i].result->meta.ulid.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(out_dir + "/" + slots[i].result->meta.ulid, ec);
      }
    }
    return failure;
  }
}

}  // namespace

int64_t CompatibleBlockDuration(int64_t max_block_duration_ms) {
  int64_t d = kBackfillDefaultBlockDuration;
  if (max_block_duration_ms > kBackfillDefaultBlockDuration) {
    // upstream tsdb.ExponentialBlockRanges(2h, 10, 3)
    std::vector<int64_t> ranges;
    for (int64_t r = kBackfillDefaultBlockDuration, i = 0; i < 10; ++i, r *= 3) ranges.push_back(r);
    size_t idx = ranges.size() - 1;
    for (size_t i = 0; i < ranges.size(); ++i) {
      if (ranges[i] > max_block_duration_ms) {
        idx = i - 1;
        break;
      }
    }
    d = ranges[idx];
  }
  return d;
}

std::optional<BackfillFailure> CreateBlocksFromOpenMetrics(
    std::string_view input, const std::string& out_dir, const BackfillOptions& opts,
    const std::function<void(const CreatedBlock&)>& on_block) {
  const int64_t duration = CompatibleBlockDuration(opts.max_block_duration_ms);
  unsigned threads = opts.threads != 0 ? opts.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  const size_t per_commit = std::max<size_t>(1, opts.samples_per_commit);

  SeriesTable table;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i) {
    // promtool pretends blocks are twice as long so its appender takes the whole range.
    workers.push_back(std::make_unique<Worker>(table, 2 * duration, per_commit));
  }
  auto owner = [&](int64_t window) -> Worker& {
    const auto n = static_cast<int64_t>(workers.size());
    return *workers[static_cast<size_t>(((window % n) + n) % n)];
  };
  auto abort = [&](BackfillFailure f) {
    for (auto& w : workers) w->Finish(false);
    return std::optional<BackfillFailure>(std::move(f));
  };

  // Pass 1 (promtool's getMinAndMaxTimestamps, fused with routing samples to their windows).
  // Keys are copies: the caller may release the input behind the parser.
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_bytes;
  std::unordered_map<std::string, uint32_t> by_labels;
  std::unordered_map<int64_t, std::vector<Sample>> pending;
  int64_t mint = std::numeric_limits<int64_t>::max();
  int64_t maxt = std::numeric_limits<int64_t>::min();
  size_t released = 0;
  std::unique_ptr<textparse::Parser> p = textparse::NewOpenMetricsParser(input);
  while (p->Next()) {
    if (p->entry() != textparse::Entry::kSeries) continue;
    const std::string_view bytes = p->SeriesBytes();
    const size_t offset = static_cast<size_t>(bytes.data() - input.data());
    const std::optional<int64_t> ts = p->Timestamp();
    if (!ts) {
      return abort(
          BackfillFailure{util::Status::InvalidArgument(
                              "getting min and max timestamp: expected timestamp for series "
                              "got none"),
                          offset});
    }
    uint32_t id;
    if (auto it = by_bytes.find(bytes); it != by_bytes.end()) {
      id = it->second;
    } else {
      SeriesInfo info = MakeSeries(p->Labels(), opts);
      auto [lit, inserted] = by_labels.try_emplace(std::string(info.labels.encoded()), 0);
      if (inserted) lit->second = table.Add(std::move(info));
      id = lit->second;
      by_bytes.emplace(std::string(bytes), id);
    }
    const int64_t t = *ts;
    mint = std::min(mint, t);
    maxt = std::max(maxt, t);
    const int64_t window = FloorDiv(t, duration);
    std::vector<Sample>& buf = pending[window];
    if (buf.capacity() == 0) buf.reserve(kBatchSamples);
    buf.push_back(Sample{id, t, p->Value(), offset});
    if (buf.size() >= kBatchSamples) {
      owner(window).Push(Batch{window, std::move(buf)});
      buf = std::vector<Sample>();
    }
    if (opts.input_consumed && offset >= released + kReleaseEvery) {
      released = offset;
      opts.input_consumed(released);
    }
  }
  if (!p->Err().ok()) {
    return abort(BackfillFailure{p->Err().Wrap("next").Wrap("getting min and max timestamp"),
                                 p->error_offset()});
  }
  for (auto& [window, buf] : pending) {
    if (!buf.empty()) owner(window).Push(Batch{window, std::move(buf)});
  }
  pending.clear();
  for (auto& w : workers) w->Finish(true);

  if (maxt == std::numeric_limits<int64_t>::min()) return std::nullopt;  // no samples
  // promtool's first block starts at mint rounded toward zero to a multiple of the duration.
  const int64_t first = mint / duration;
  std::vector<Window*> windows;
  for (auto& w : workers) {
    for (auto& [index, win] : w->windows()) {
      if (index >= first) windows.push_back(win.get());
    }
  }
  std::sort(windows.begin(), windows.end(),
            [](const Window* a, const Window* b) { return a->index < b->index; });
  std::optional<BackfillFailure> append_failure;
  for (size_t i = 0; i < windows.size(); ++i) {
    if (!windows[i]->err.ok()) {
      append_failure = BackfillFailure{
          windows[i]->err.Wrap("add sample").Wrap("process blocks").Wrap("block creation"),
          windows[i]->err_offset};
      windows.resize(i);
      break;
    }
  }
  std::optional<BackfillFailure> flush_failure =
      FlushInOrder(windows, threads, out_dir, opts.env, on_block);
  if (flush_failure) return flush_failure;
  return append_failure;
}

}  // namespace promkit::tsdb
