#include "repl/backend.h"

#include <algorithm>
#include <limits>
#include <thread>

#include <fmt/core.h>

#include "util/timestamp.h"

namespace promkit::cli::repl {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

util::Status CanceledStatus() { return util::Status::Canceled("query canceled"); }

// The wrappers that make reads stop once the user interrupted the query: every series and
// every sample checks the flag, so a canceled query stops at the next read.
class CancelIterator final : public storage::SampleIterator {
 public:
  CancelIterator(std::unique_ptr<storage::SampleIterator> it, const std::atomic<bool>* cancel)
      : it_(std::move(it)), cancel_(cancel) {}
  storage::ValueType Next() override {
    if (Stop()) return storage::ValueType::kNone;
    return it_->Next();
  }
  storage::ValueType Seek(int64_t t) override {
    if (Stop()) return storage::ValueType::kNone;
    return it_->Seek(t);
  }
  int64_t AtT() const override { return it_->AtT(); }
  double AtFloat() const override { return it_->AtFloat(); }
  util::Status Err() const override { return canceled_ ? CanceledStatus() : it_->Err(); }

 private:
  bool Stop() {
    if (cancel_->load(std::memory_order_relaxed)) canceled_ = true;
    return canceled_;
  }
  std::unique_ptr<storage::SampleIterator> it_;
  const std::atomic<bool>* cancel_;
  bool canceled_ = false;
};

class CancelSeries final : public storage::Series {
 public:
  explicit CancelSeries(const std::atomic<bool>* cancel) : cancel_(cancel) {}
  void Reset(const storage::Series* s) { s_ = s; }
  const model::Labels& Labels() const override { return s_->Labels(); }
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    return std::make_unique<CancelIterator>(s_->Iterator(), cancel_);
  }

 private:
  const storage::Series* s_ = nullptr;
  const std::atomic<bool>* cancel_;
};

class CancelSeriesSet final : public storage::SeriesSet {
 public:
  CancelSeriesSet(std::unique_ptr<storage::SeriesSet> set, const std::atomic<bool>* cancel)
      : set_(std::move(set)), cancel_(cancel), cur_(cancel) {}
  bool Next() override {
    if (cancel_->load(std::memory_order_relaxed)) {
      canceled_ = true;
      return false;
    }
    if (!set_->Next()) return false;
    cur_.Reset(&set_->At());
    return true;
  }
  const storage::Series& At() const override { return cur_; }
  util::Status Err() const override { return canceled_ ? CanceledStatus() : set_->Err(); }
  std::vector<std::string> Warnings() const override { return set_->Warnings(); }

 private:
  std::unique_ptr<storage::SeriesSet> set_;
  const std::atomic<bool>* cancel_;
  CancelSeries cur_;
  bool canceled_ = false;
};

class CancelQuerier final : public storage::Querier {
 public:
  CancelQuerier(std::unique_ptr<storage::Querier> q, const std::atomic<bool>* cancel)
      : q_(std::move(q)), cancel_(cancel) {}
  std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints* hints,
                                             std::span<const model::Matcher> matchers) override {
    if (cancel_->load(std::memory_order_relaxed)) return storage::EmptySeriesSet(CanceledStatus());
    return std::make_unique<CancelSeriesSet>(q_->Select(sorted, hints, matchers), cancel_);
  }
  util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) override {
    return q_->LabelValues(name, matchers);
  }
  util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    return q_->LabelNames(matchers);
  }
  util::Status Close() override { return q_->Close(); }

 private:
  std::unique_ptr<storage::Querier> q_;
  const std::atomic<bool>* cancel_;
};

SelectorCount CountSelector(storage::Queryable& q, const std::vector<model::Matcher>& matchers,
                            int64_t mint, int64_t maxt) {
  SelectorCount c;
  util::Result<std::unique_ptr<storage::Querier>> querier = q.NewQuerier(mint, maxt);
  if (!querier.ok()) {
    c.status = querier.status();
    return c;
  }
  storage::SelectHints hints{mint, maxt};
  std::unique_ptr<storage::SeriesSet> set = (*querier)->Select(false, &hints, matchers);
  while (set->Next()) {
    std::unique_ptr<storage::SampleIterator> it = set->At().Iterator();
    int64_t n = 0;
    for (storage::ValueType vt = it->Seek(mint);
         vt != storage::ValueType::kNone && it->AtT() <= maxt; vt = it->Next()) {
      ++n;
    }
    if (util::Status st = it->Err(); !st.ok()) {
      c.status = std::move(st);
      break;
    }
    if (n > 0) ++c.series;
    c.samples += n;
  }
  if (c.status.ok()) c.status = set->Err();
  set.reset();
  (void)(*querier)->Close();
  return c;
}

class DirBackend final : public Backend {
 public:
  DirBackend(std::unique_ptr<tsdb::DbReadOnly> db, std::string dir, bool warm_up)
      : db_(std::move(db)), dir_(std::move(dir)), completion_(db_.get()) {
    if (warm_up) {
      tsdb::DbReadOnly* d = db_.get();
      warm_up_ = std::jthread([d] {
        util::Result<std::shared_ptr<const tsdb::head::Head>> head = d->Head();
        (void)head;  // the error, if any, is reported when the head is first needed
      });
    }
  }

  const std::string& Name() const override { return dir_; }

  std::string Banner() const override {
    int64_t oldest = kMaxTime, newest = kMinTime;
    for (const auto& b : db_->blocks()) {
      oldest = std::min(oldest, b->meta().min_time);
      newest = std::max(newest, b->meta().max_time - 1);
    }
    std::string out = fmt::format("{}: {} block{}", dir_, db_->blocks().size(),
                                  db_->blocks().size() == 1 ? "" : "s");
    if (!db_->blocks().empty()) {
      out += fmt::format(" from {} to {}", util::FormatRfc3339Nano(oldest),
                         util::FormatRfc3339Nano(newest));
    }
    return out;
  }

  std::optional<int64_t> Newest(std::vector<std::string>& warnings) override {
    int64_t newest = kMinTime;
    for (const auto& b : db_->blocks()) newest = std::max(newest, b->meta().max_time - 1);
    util::Result<std::shared_ptr<const tsdb::head::Head>> head = db_->Head();
    if (!head.ok()) {
      warnings.push_back(fmt::format("cannot read the head of {}, using its blocks only: {}", dir_,
                                     head.status().message()));
    } else if ((*head)->MaxTime() != kMinTime) {
      newest = std::max(newest, (*head)->MaxTime());
    }
    for (const std::string& w : db_->warnings()) warnings.push_back(w);
    if (newest == kMinTime) return std::nullopt;
    return newest;
  }

  promql::Result Evaluate(const EvalRequest& req, const std::atomic<bool>& cancel) override {
    DbQueryable q(db_.get(), &cancel);
    const promql::Engine engine(req.engine);
    return req.range ? engine.RangeQuery(q, req.query, req.start, req.end, req.step)
                     : engine.InstantQuery(q, req.query, req.start);
  }

  util::Status SelectSeries(std::string_view /*selector*/,
                            const std::vector<model::Matcher>& matchers,
                            std::vector<model::Labels>& out,
                            const std::atomic<bool>& cancel) override {
    DbQueryable q(db_.get(), &cancel);
    PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> querier,
                             q.NewQuerier(kMinTime, kMaxTime));
    std::unique_ptr<storage::SeriesSet> set = querier->Select(true, nullptr, matchers);
    while (set->Next()) out.push_back(set->At().Labels());
    util::Status st = set->Err();
    set.reset();
    (void)querier->Close();
    return st;
  }

  SelectorCount Count(const std::vector<model::Matcher>& matchers, int64_t mint, int64_t maxt,
                      const std::atomic<bool>& cancel) override {
    DbQueryable q(db_.get(), &cancel);
    return CountSelector(q, matchers, mint, maxt);
  }

  CompletionSource& completion() override { return completion_; }
  const util::Status& completion_error() const override { return completion_.error(); }

 private:
  std::unique_ptr<tsdb::DbReadOnly> db_;
  std::string dir_;
  IndexCompletion completion_;
  std::jthread warm_up_;  // replays the head in the background; last, so it is joined first
};

}  // namespace

util::Result<std::unique_ptr<storage::Querier>> DbQueryable::NewQuerier(int64_t mint,
                                                                        int64_t maxt) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> q, db_->NewQuerier(mint, maxt));
  if (cancel_ == nullptr) return q;
  return std::unique_ptr<storage::Querier>(std::make_unique<CancelQuerier>(std::move(q), cancel_));
}

storage::Querier* IndexCompletion::Querier() {
  if (querier_ == nullptr && error_.ok()) {
    util::Result<std::unique_ptr<storage::Querier>> q = db_->NewQuerier(kMinTime, kMaxTime);
    if (q.ok()) {
      querier_ = std::move(*q);
    } else {
      error_ = q.status();
    }
  }
  return querier_.get();
}

const std::vector<std::string>& IndexCompletion::MetricNames() {
  if (!metric_names_) {
    metric_names_.emplace();
    if (storage::Querier* q = Querier()) {
      util::Result<std::vector<std::string>> names = q->LabelValues("__name__", {});
      if (names.ok()) {
        *metric_names_ = std::move(*names);
      } else if (error_.ok()) {
        error_ = names.status();
      }
    }
  }
  return *metric_names_;
}

const std::vector<std::string>& IndexCompletion::Names(const std::string& metric) {
  auto it = label_names_.find(metric);
  if (it != label_names_.end()) return it->second;
  std::vector<std::string> names;
  if (storage::Querier* q = Querier()) {
    std::vector<model::Matcher> ms;
    if (!metric.empty()) {
      ms.push_back(*model::Matcher::Make(model::MatchType::kEqual, "__name__", metric));
    }
    util::Result<std::vector<std::string>> r = q->LabelNames(ms);
    if (r.ok()) {
      names = std::move(*r);
    } else if (error_.ok()) {
      error_ = r.status();
    }
  }
  return label_names_.emplace(metric, std::move(names)).first->second;
}

std::vector<std::string> IndexCompletion::LabelNames(std::span<const std::string> metrics) {
  if (metrics.empty()) return Names("");
  return UnionOfLabelNames(
      metrics,
      [this](const std::string& m) -> const std::vector<std::string>& { return Names(m); });
}

const std::vector<std::string>& IndexCompletion::LabelValues(const std::string& label,
                                                             const std::string& metric) {
  auto key = std::pair(label, metric);
  auto it = label_values_.find(key);
  if (it != label_values_.end()) return it->second;
  std::vector<std::string> values;
  if (storage::Querier* q = Querier()) {
    std::vector<model::Matcher> ms;
    if (!metric.empty()) {
      ms.push_back(*model::Matcher::Make(model::MatchType::kEqual, "__name__", metric));
    }
    util::Result<std::vector<std::string>> r = q->LabelValues(label, ms);
    if (r.ok()) {
      values = std::move(*r);
    } else if (error_.ok()) {
      error_ = r.status();
    }
  }
  return label_values_.emplace(std::move(key), std::move(values)).first->second;
}

std::shared_ptr<Backend> NewDirBackend(std::unique_ptr<tsdb::DbReadOnly> db, std::string dir,
                                       bool warm_up) {
  return std::make_shared<DirBackend>(std::move(db), std::move(dir), warm_up);
}

}  // namespace promkit::cli::repl
