// promtool's `tsdb` commands over promkit's TSDB library (lib/tsdb): analyze, list, dump,
// dump-openmetrics and create-blocks-from openmetrics. Output, flags and exit codes follow upstream
// cmd/promtool/tsdb.go and backfill.go.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "config/http_client_file.h"
#include "model/labels.h"
#include "promql/api.h"
#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "query_client.h"
#include "rules/backfill.h"
#include "rules/rulefmt/rulefmt.h"
#include "rules/rules.h"
#include "scrape/http_config.h"
#include "storage/interface.h"
#include "storage/merge.h"
#include "tsdb/analyze.h"
#include "tsdb/backfill.h"
#include "tsdb/compact.h"
#include "tsdb/db_readonly.h"
#include "tsdb/suggest.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/mmap.h"
#include "util/numbers.h"
#include "util/source_error.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli {
namespace {

constexpr std::string_view kDefaultDbPath = "data/";
constexpr std::string_view kDefaultMatch = "{__name__=~'(?s:.*)'}";
constexpr std::string_view kDbPathHelp = "Database path (default is data/).";

void PrintWarnings(const std::vector<std::string>& warnings, Mode mode) {
  for (const std::string& w : warnings) {
    std::fprintf(stderr, "%s: warning: %s\n", std::string(ProgramName(mode)).c_str(), w.c_str());
  }
}

int Fail(const util::Status& st) {
  std::fprintf(stderr, "%s\n", st.ToString().c_str());
  return kExitFailure;
}

// Go's text/tabwriter as promtool configures it (minwidth 13, padding 2, spaces): every cell
// but a line's last is padded to its column's widest cell plus 2, at least 13.
std::string Tabulate(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (width.size() <= i) width.push_back(13);
      width[i] = std::max(width[i], row[i].size() + 2);
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(width[i] - row[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

// Go's time.Unix(ms/1000, 0).UTC().String().
std::string HumanTime(int64_t ms) {
  std::string s = util::FormatRfc3339((ms / 1000) * 1000);  // "2006-01-02T15:04:05Z"
  if (size_t t = s.find('T'); t != std::string::npos) s[t] = ' ';
  if (!s.empty() && s.back() == 'Z') s.replace(s.size() - 1, 1, " +0000 UTC");
  return s;
}

// alecthomas/units Base2Bytes.String(): "2KiB987B", "704B", "1MiB".
std::string HumanBytes(int64_t n) {
  static constexpr const char* kUnits[] = {"", "K", "M", "G", "T", "P", "E"};
  std::string out;
  for (int i = 0; i < 7; ++i) {
    if (n % 1024 != 0 || (i == 0 && n == 0)) {
      out = fmt::format("{}{}{}", n % 1024, kUnits[i], i == 0 ? "B" : "iB") + out;
    }
    n /= 1024;
    if (n == 0) break;
  }
  return out;
}

struct ListFlags {
  bool human_readable = false;
  std::string path = std::string(kDefaultDbPath);
};

const std::vector<std::string> kBlockHeader = {"BLOCK ULID", "MIN TIME",    "MAX TIME",
                                               "DURATION",   "NUM SAMPLES", "NUM CHUNKS",
                                               "NUM SERIES", "SIZE"};

// One line of promtool's block table (printBlocks).
std::vector<std::string> BlockRow(const tsdb::BlockMeta& m, uint64_t bytes, bool human) {
  // time.Duration(max-min) * time.Millisecond, wrapping as Go's int64 arithmetic does.
  auto ns = static_cast<int64_t>(
      (static_cast<uint64_t>(m.max_time) - static_cast<uint64_t>(m.min_time)) * 1000000u);
  auto size = static_cast<int64_t>(bytes);
  return {m.ulid,
          human ? HumanTime(m.min_time) : std::to_string(m.min_time),
          human ? HumanTime(m.max_time) : std::to_string(m.max_time),
          util::FormatGoDuration(ns),
          std::to_string(m.stats.num_samples),
          std::to_string(m.stats.num_chunks),
          std::to_string(m.stats.num_series),
          human ? HumanBytes(size) : std::to_string(size)};
}

int RunList(const ListFlags& f, Mode mode) {
  util::Result<std::unique_ptr<tsdb::DbReadOnly>> db = tsdb::DbReadOnly::Open(f.path);
  if (!db.ok()) return Fail(db.status());
  PrintWarnings((*db)->warnings(), mode);
  std::vector<std::vector<std::string>> rows = {kBlockHeader};
  for (const auto& b : (*db)->blocks()) {
    rows.push_back(BlockRow(b->meta(), b->size(), f.human_readable));
  }
  std::string out = Tabulate(rows);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

// DumpFlags::format of dump-openmetrics (not a value of dump's --format).
constexpr std::string_view kOpenMetricsFormat = "openmetrics";

struct DumpFlags {
  int64_t min_time = std::numeric_limits<int64_t>::min();
  int64_t max_time = std::numeric_limits<int64_t>::max();
  std::vector<std::string> match;
  std::string format = "prom";
  std::string path = std::string(kDefaultDbPath);
};

// encoding/json's string encoding as json.Marshal does it (HTML-safe).
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    if (r.rune == 0xFFFD && r.width == 1) {
      out += "\\ufffd";
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      out += r.rune == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, static_cast<size_t>(r.width)));
    }
    i += static_cast<size_t>(r.width);
  }
  out += '"';
}

int RunDump(const DumpFlags& f, Mode mode) {
  util::Result<std::unique_ptr<tsdb::DbReadOnly>> db = tsdb::DbReadOnly::Open(f.path);
  if (!db.ok()) return Fail(db.status());
  std::vector<std::string> match = f.match;
  if (match.empty()) match.emplace_back(kDefaultMatch);
  std::vector<std::vector<model::Matcher>> sets;
  for (const std::string& m : match) {
    util::Result<std::vector<model::Matcher>> ms = promql::parser::ParseMetricSelector(m);
    if (!ms.ok()) return Fail(ms.status());
    sets.push_back(std::move(*ms));
  }
  // Opening the querier may replay the WAL: its warnings come with the blocks'.
  util::Result<std::unique_ptr<storage::Querier>> qr = (*db)->NewQuerier(f.min_time, f.max_time);
  PrintWarnings((*db)->warnings(), mode);
  if (!qr.ok()) return Fail(qr.status());
  std::unique_ptr<storage::Querier> q = std::move(*qr);
  std::unique_ptr<storage::SeriesSet> ss;
  if (sets.size() == 1) {
    ss = q->Select(false, nullptr, sets[0]);
  } else {
    std::vector<std::unique_ptr<storage::SeriesSet>> all;
    for (const auto& ms : sets) all.push_back(q->Select(true, nullptr, ms));
    ss = storage::MergeSeriesSets(std::move(all));
  }
  std::string out;
  std::string last_json;
  auto flush = [&out] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  util::Status err;
  while (err.ok() && ss->Next()) {
    const storage::Series& s = ss->At();
    if (f.format == "seriesjson") {
      std::string line = "{";
      bool first = true;
      for (const model::Label& l : s.Labels()) {
        if (!first) line += ',';
        first = false;
        AppendJsonString(line, l.name);
        line += ':';
        AppendJsonString(line, l.value);
      }
      line += "}";
      // Merged selectors yield each series once; upstream also dedups consecutive repeats.
      if (line != last_json) out += line + "\n";
      last_json = std::move(line);
    } else if (f.format == kOpenMetricsFormat) {
      // upstream formatSeriesSetOpenMetrics: name, the other labels condensed, the value as
      // %g and the time as seconds with %.3f; the series ends at its first non-float sample.
      const model::Labels& ls = s.Labels();
      std::string prefix(ls.MetricName());
      prefix += '{';
      bool first = true;
      for (const model::Label& l : ls) {
        if (l.name == model::kMetricName) continue;
        if (!first) prefix += ',';
        first = false;
        prefix += l.name;
        prefix += '=';
        util::AppendGoQuote(prefix, l.value);
      }
      prefix += '}';
      std::unique_ptr<storage::SampleIterator> it = s.Iterator();
      while (it->Next() == storage::ValueType::kFloat) {
        out += prefix;
        out += ' ';
        util::AppendFloat(out, it->AtFloat(), 'g', -1);
        out += ' ';
        util::AppendFloat(out, static_cast<double>(it->AtT()) / 1000, 'f', 3);
        out += '\n';
      }
      // Upstream then returns the series set's error and so drops a chunk error; promkit
      // reports it.
      err = it->Err();
    } else {
      std::string labels = s.Labels().ToString();
      std::unique_ptr<storage::SampleIterator> it = s.Iterator();
      model::Histogram h;
      model::FloatHistogram fh;
      for (storage::ValueType t = it->Next(); t != storage::ValueType::kNone; t = it->Next()) {
        out += labels;
        out += ' ';
        // upstream formatSeriesSet: floats as %g, histograms as their String().
        if (t == storage::ValueType::kHistogram) {
          it->AtHistogram(&h);
          out += h.String();
        } else if (t == storage::ValueType::kFloatHistogram) {
          it->AtFloatHistogram(&fh);
          out += fh.String();
        } else {
          util::AppendFloat(out, it->AtFloat(), 'g', -1);
        }
        out += ' ';
        out += std::to_string(it->AtT());
        out += '\n';
      }
      if (err.ok()) err = it->Err();
    }
    if (out.size() > (1 << 16)) flush();
  }
  if (err.ok() && f.format == kOpenMetricsFormat) out += "# EOF\n";
  flush();
  if (err.ok()) err = ss->Err();
  util::Status close = q->Close();
  if (!err.ok()) return Fail(err);
  if (!close.ok()) return Fail(close);
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// create-blocks-from openmetrics (upstream cmd/promtool/backfill.go and backfillOpenMetrics).

struct CreateBlocksFlags {
  bool human_readable = false;
  bool quiet = false;
  std::string max_block_duration;   // Go duration; empty: unset
  std::vector<std::string> labels;  // name=value
  std::string input;
  std::string output = std::string(kDefaultDbPath);
};

// The input as promtool 3.x reads it: pipes and terminals read whole, files mmapped.
struct Input {
  std::unique_ptr<util::MappedFile> mapped;
  std::string read;
  std::string_view data() const { return mapped ? mapped->data() : std::string_view(read); }
};

util::Result<Input> ReadInput(const std::string& path) {
  Input in;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return util::Status::IoError(fmt::format("stat {}: {}", path, util::ErrnoText(errno)));
  }
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    PROMKIT_ASSIGN_OR_RETURN(in.read, util::ReadFile(path));
    return in;
  }
  // fileutil.OpenMmapFile: open, then mmap the file's size (which fails for 0 and for
  // directories).
  if (S_ISDIR(st.st_mode) || st.st_size == 0) {
    if (int fd = ::open(path.c_str(), O_RDONLY); fd < 0) {
      return util::Status::IoError(
          fmt::format("try lock file: open {}: {}", path, util::ErrnoText(errno)));
    } else {
      ::close(fd);
    }
    return util::Status::IoError(fmt::format("mmap, size {}: {}", st.st_size,
                                             util::ErrnoText(st.st_size == 0 ? EINVAL : ENODEV)));
  }
  util::Result<std::unique_ptr<util::MappedFile>> m = util::MappedFile::Open(path);
  if (!m.ok()) return m.status().Wrap("try lock file");
  in.mapped = std::move(*m);
  return in;
}

int RunCreateBlocks(const CreateBlocksFlags& f, Mode mode) {
  // What kingpin checks while parsing the flags.
  tsdb::BackfillOptions opts;
  if (!f.max_block_duration.empty()) {
    util::Result<int64_t> d = util::ParseGoDuration(f.max_block_duration);
    if (!d.ok()) {
      std::fputs(UsageError(mode, d.status().ToString()).c_str(), stderr);
      return kExitFailure;
    }
    opts.max_block_duration_ms = *d / 1000000;
  }
  for (const std::string& l : f.labels) {
    const size_t eq = l.find('=');
    if (eq == std::string::npos) {
      std::fputs(UsageError(mode, fmt::format("expected KEY=VALUE got '{}'", l)).c_str(), stderr);
      return kExitFailure;
    }
    opts.labels.emplace_back(l.substr(0, eq), l.substr(eq + 1));
  }

  util::Result<Input> in = ReadInput(f.input);
  if (!in.ok()) return Fail(in.status());
  if (util::Status st = util::MkdirAll(f.output); !st.ok()) {
    return Fail(st.Wrap("create output dir"));
  }
  bool wrote_header = false;
  auto print = [&](const tsdb::CreatedBlock& b) {
    if (f.quiet) return;
    std::vector<std::vector<std::string>> rows;
    if (!wrote_header) rows.push_back(kBlockHeader);
    wrote_header = true;
    rows.push_back(BlockRow(b.meta, b.size, f.human_readable));
    std::string out = Tabulate(rows);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  };
  const std::string_view data = in->data();
  if (in->mapped) {
    // Keeps resident memory flat: the parser reads the file once, front to back.
    opts.input_consumed = [m = in->mapped.get()](size_t n) { m->ReleasePrefix(n); };
  }
  std::optional<tsdb::BackfillFailure> failure =
      tsdb::CreateBlocksFromOpenMetrics(data, f.output, opts, print);
  if (!failure) return kExitOk;
  std::string msg = failure->status.ToString() + "\n";
  // promkit's addition: where in the input, with the line and a caret.
  if (mode == Mode::kPromkit && failure->offset) {
    const size_t off = std::min(*failure->offset, data.size());
    const util::LineCol pos = util::PositionOf(data, off);
    msg += fmt::format("{}:{}:{}:\n", f.input, pos.line, pos.col);
    msg += util::RenderCaret(data, off);
  }
  std::fputs(msg.c_str(), stderr);
  return kExitFailure;
}

// ---------------------------------------------------------------------------------------------
// analyze (upstream analyzeBlock, analyzeCompaction and displayHistogram).

struct AnalyzeFlags {
  int limit = 20;
  bool extended = false;
  bool suggest = false;
  std::string match;
  std::string path = std::string(kDefaultDbPath);
  std::string block_id;
};

void AppendTop(std::string& out, std::string_view title, const std::vector<tsdb::CountedKey>& l,
               int limit) {
  out += title;
  for (size_t i = 0; i < l.size() && static_cast<int64_t>(i) < limit; ++i) {
    out += fmt::format("{} {}\n", l[i].count, l[i].key);
  }
}

// upstream generateBucket
void BucketBounds(int min, int max, int* start, int* end, int* step) {
  const int s = (max - min) / 10;
  *step = 10;
  while (*step < s && *step <= 10000) *step *= 10;
  *start = min - min % *step;
  *end = max - max % *step + *step;
}

// upstream displayHistogram: min/avg/max, then one line per bucket with a bar of '#', one per
// percent of all chunks.
void AppendHistogram(std::string& out, std::string_view what, std::vector<int> data, size_t total) {
  if (data.empty()) {
    out += fmt::format("{}: N/A\n\n", what);
    return;
  }
  std::sort(data.begin(), data.end());
  int start, end, step;
  BucketBounds(data.front(), data.back(), &start, &end, &step);
  std::vector<int> buckets(static_cast<size_t>((end - start) / step + 1));
  int64_t sum = 0;
  int max_count = 0;
  for (int c : data) {
    sum += c;
    int& b = buckets[static_cast<size_t>((c - start) / step)];
    max_count = std::max(max_count, ++b);
  }
  const int64_t avg = sum / static_cast<int64_t>(data.size());
  out += fmt::format("{} (min/avg/max): {}/{}/{}\n", what, data.front(), avg, data.back());
  const size_t left = std::to_string(end).size();
  const size_t right = std::to_string(end + step).size();
  const size_t count_w = std::to_string(max_count).size();
  for (size_t i = 0; i < buckets.size(); ++i) {
    const int b = static_cast<int>(i);
    const int64_t pct = 100 * static_cast<int64_t>(buckets[i]) / static_cast<int64_t>(total);
    out += fmt::format("[{:>{}}, {:>{}}]: {:>{}} {}\n", b * step + start + 1, left,
                       (b + 1) * step + start, right, buckets[i], count_w,
                       std::string(static_cast<size_t>(std::max<int64_t>(pct, 0)), '#'));
  }
  out += '\n';
}

int RunAnalyze(const AnalyzeFlags& f) {
  std::vector<model::Matcher> matchers;
  if (!f.match.empty()) {
    util::Result<std::vector<model::Matcher>> ms = promql::parser::ParseMetricSelector(f.match);
    if (!ms.ok()) return Fail(ms.status());
    matchers = std::move(*ms);
  }
  util::Result<std::shared_ptr<tsdb::Block>> block = tsdb::OpenBlockToAnalyze(f.path, f.block_id);
  if (!block.ok()) return Fail(block.status());
  util::Result<tsdb::BlockAnalysis> r = tsdb::AnalyzeBlock(**block, matchers, f.extended);
  const tsdb::BlockMeta& m = (*block)->meta();
  // Upstream prints as it goes: the header comes out even when reading the index fails.
  std::string out = fmt::format("Block ID: {}\n", m.ulid);
  auto ns = static_cast<int64_t>(
      (static_cast<uint64_t>(m.max_time) - static_cast<uint64_t>(m.min_time)) * 1000000u);
  out += fmt::format("Duration: {}\n", util::FormatGoDuration(ns));
  out += fmt::format("Total Series: {}\n", m.stats.num_series);
  if (!f.match.empty()) out += fmt::format("Matcher: {}\n", f.match);
  if (!r.ok()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return Fail(r.status());
  }
  const tsdb::BlockAnalysis& a = *r;
  out += fmt::format("Label names: {}\n", a.label_names);
  if (a.matched_series) out += fmt::format("Matched series: {}\n", *a.matched_series);
  out += fmt::format("Postings (unique label pairs): {}\n", a.label_pairs);
  out += fmt::format("Postings entries (total label pairs): {}\n", a.label_entries);
  AppendTop(out, "\nLabel pairs most involved in churning:\n", a.churn_pairs, f.limit);
  AppendTop(out, "\nLabel names most involved in churning:\n", a.churn_names, f.limit);
  AppendTop(out, "\nMost common label pairs:\n", a.common_pairs, f.limit);
  AppendTop(out, "\nLabel names with highest cumulative label value length:\n", a.value_lengths,
            f.limit);
  AppendTop(out, "\nHighest cardinality labels:\n", a.cardinality, f.limit);
  AppendTop(out, "\nHighest cardinality metric names:\n", a.metric_names, f.limit);
  if (a.extended) {
    out += "\nCompaction analysis:\n\n";
    AppendHistogram(out, "samples per float chunk", a.float_chunk_samples, a.total_chunks);
    AppendHistogram(out, "bytes per float chunk", a.float_chunk_bytes, a.total_chunks);
    AppendHistogram(out, "samples per histogram chunk", a.histogram_chunk_samples, a.total_chunks);
    AppendHistogram(out, "bytes per histogram chunk", a.histogram_chunk_bytes, a.total_chunks);
    AppendHistogram(out, "buckets per histogram chunk", a.histogram_chunk_buckets, a.total_chunks);
  }
  if (f.suggest) {
    util::Result<std::vector<tsdb::LabelSuggestion>> s = tsdb::SuggestLabelDrops(**block, matchers);
    if (!s.ok()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      return Fail(s.status());
    }
    out += "\n" + tsdb::RenderSuggestions(*s, static_cast<size_t>(std::max(f.limit, 0)));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// create-blocks-from rules (upstream cmd/promtool/rules.go and importRules).

struct RulesFlags {
  std::string http_config_file;
  std::string url = "http://localhost:9090";
  std::string tsdb_path;
  std::string start;
  std::string end;
  std::string output_dir = std::string(kDefaultDbPath);
  std::string eval_interval = "60s";
  std::vector<std::string> files;
  CLI::Option* url_opt = nullptr;
};

// An slog text line as promtool logs it on stderr (level INFO, the backfiller component).
void LogLine(std::string_view msg, std::string_view attrs) {
  std::string line = fmt::format("time={} level=INFO msg={} component=backfiller",
                                 util::FormatRfc3339Nano(NowNs() / 1000000), util::GoQuote(msg));
  if (!attrs.empty()) line += fmt::format(" {}", attrs);
  std::fprintf(stderr, "%s\n", line.c_str());
}

// The range queries: asked of the server, or with --tsdb.path evaluated by promkit's engine over
// the directory (times rounded to the millisecond as the API rounds them).
rules::RangeQueryFn RangeQueries(const RulesFlags& f, const scrape::FetchOptions& base,
                                 tsdb::DbReadOnly* db) {
  if (db != nullptr) {
    return [db](const std::string& expr, int64_t start_ns, int64_t end_ns, int64_t step_ns,
                std::vector<std::string>& warnings) -> util::Result<promql::Matrix> {
      promql::EngineOptions opts;
      opts.parser = PromtoolParserOptions();
      const promql::Engine engine(opts);
      auto ms = [](int64_t ns) {
        return util::ParseApiTime(FormatApiTime(ns)).value_or(ns / 1000000);
      };
      promql::Result r = engine.RangeQuery(*db, expr, ms(start_ns), ms(end_ns), step_ns / 1000000);
      if (!r.ok()) {
        return util::Status::InvalidArgument(
            fmt::format("{}: {}", promql::ErrorTypeName(r.error_type), r.error));
      }
      for (const promql::Annotation& a : r.annotations) warnings.push_back(a.text);
      if (r.value.kind != promql::ValueKind::kMatrix) {
        return util::Status::InvalidArgument("rule result is wrong type");
      }
      return std::move(r.value.matrix);
    };
  }
  return [&f, base](const std::string& expr, int64_t start_ns, int64_t end_ns, int64_t step_ns,
                    std::vector<std::string>& warnings) -> util::Result<promql::Matrix> {
    ServerCall call;
    call.path = "/api/v1/query_range";
    call.params = {{"query", expr},
                   {"start", FormatApiTime(start_ns)},
                   {"end", FormatApiTime(end_ns)},
                   {"step", FormatApiStep(step_ns)}};
    const ServerReply reply = CallServer(base, f.url, call);
    if (!reply.transport.empty()) return util::Status::IoError(reply.transport);
    if (!reply.error_type.empty()) {
      return util::Status::InvalidArgument(fmt::format("{}: {}", reply.error_type, reply.error));
    }
    promql::ApiResponse r;
    PROMKIT_RETURN_IF_ERROR(DecodeData(QueryEndpoint::kRange, reply.data, Mode::kPromkit, r));
    warnings = reply.warnings;
    if (r.value.kind != promql::ValueKind::kMatrix) {
      return util::Status::InvalidArgument("rule result is wrong type");
    }
    return std::move(r.value.matrix);
  };
}

int RunCreateBlocksFromRules(const RulesFlags& f, const CreateBlocksFlags& parent, Mode mode) {
  // What kingpin checks while parsing.
  std::vector<std::string> must_exist = f.files;
  if (!f.http_config_file.empty()) must_exist.insert(must_exist.begin(), f.http_config_file);
  for (const std::string& file : must_exist) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      std::fputs(UsageError(mode, fmt::format("path '{}' does not exist", file)).c_str(), stderr);
      return kExitFailure;
    }
    if (S_ISDIR(st.st_mode)) {
      std::fputs(UsageError(mode, fmt::format("'{}' is a directory", file)).c_str(), stderr);
      return kExitFailure;
    }
  }
  util::Result<int64_t> interval_ns = util::ParseGoDuration(f.eval_interval);
  if (!interval_ns.ok()) {
    std::fputs(UsageError(mode, interval_ns.status().ToString()).c_str(), stderr);
    return kExitFailure;
  }
  int64_t max_block_ms = 0;
  if (!parent.max_block_duration.empty()) {
    util::Result<int64_t> d = util::ParseGoDuration(parent.max_block_duration);
    if (!d.ok()) {
      std::fputs(UsageError(mode, d.status().ToString()).c_str(), stderr);
      return kExitFailure;
    }
    max_block_ms = *d / 1000000;
  }
  const bool local = !f.tsdb_path.empty();
  if (local && f.url_opt->count() > 0) {
    std::fputs(UsageError(mode, "give either --url or --tsdb.path, not both").c_str(), stderr);
    return kExitFailure;
  }
  std::string url = f.url;
  if (!local) {
    if (std::string err = NormalizeServerUrl(url); !err.empty()) {
      std::fputs(UsageError(mode, err).c_str(), stderr);
      return kExitFailure;
    }
  }
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "%s\n", msg.c_str());
    return kExitFailure;
  };

  // importRules.
  int64_t end_ns = NowNs() - int64_t{3} * 3600 * 1000000000;
  if (!f.end.empty()) {
    util::Result<int64_t> t = ParseCliTime(f.end, NowNs());
    if (!t.ok()) return fail("error parsing end time: " + std::string(t.status().message()));
    end_ns = *t;
  }
  util::Result<int64_t> start_ns = ParseCliTime(f.start, NowNs());
  if (!start_ns.ok()) {
    return fail("error parsing start time: " + std::string(start_ns.status().message()));
  }
  if (*start_ns >= end_ns) return fail("start time is not before end time");

  scrape::FetchOptions base;
  base.timeout_ns = int64_t{120} * 1000000000;
  if (!f.http_config_file.empty()) {
    util::Result<config::HTTPClientConfig> hc =
        config::LoadHTTPClientConfigFile(f.http_config_file);
    util::Status st = hc.ok() ? scrape::ApplyHttpClientConfig(*hc, base) : hc.status();
    if (!st.ok()) {
      return fail(fmt::format("{}: error: Failed to load HTTP config file: {}", ProgramName(mode),
                              st.ToString()));
    }
  }
  std::unique_ptr<tsdb::DbReadOnly> db;
  if (local) {
    util::Result<std::unique_ptr<tsdb::DbReadOnly>> opened = tsdb::DbReadOnly::Open(f.tsdb_path);
    if (!opened.ok()) return fail(opened.status().ToString());
    db = std::move(*opened);
  }
  LogLine(
      "new rule importer",
      fmt::format("start={} end={}", util::GoQuote(util::FormatRfc3339Nano(*start_ns / 1000000)),
                  util::GoQuote(util::FormatRfc3339Nano(end_ns / 1000000))));

  // loadGroups: the first error of the first failing file ends the run.
  std::vector<rules::Group> groups;
  rules::rulefmt::ParseOptions popts;
  popts.parser = PromtoolParserOptions();
  for (const std::string& file : f.files) {
    rules::rulefmt::ParseResult parsed = rules::rulefmt::ParseFile(file, popts);
    if (!parsed.ok()) return fail("rule importer parse error: " + parsed.errors.front().message);
    util::Result<std::vector<rules::Group>> built =
        rules::BuildGroups(parsed.groups, file, *interval_ns / 1000000, popts.parser);
    if (!built.ok()) return fail("rule importer parse error: " + built.status().ToString());
    for (rules::Group& g : *built) groups.push_back(std::move(g));
  }

  if (util::Status st = util::MkdirAll(f.output_dir); !st.ok()) return fail(st.ToString());
  RulesFlags resolved = f;
  resolved.url = url;
  rules::RuleBackfillOptions opts;
  opts.start_ns = *start_ns;
  opts.end_ns = end_ns;
  opts.max_block_duration_ms = max_block_ms;
  opts.output_dir = f.output_dir;
  opts.log = [](const std::string& msg, const std::string& attrs) { LogLine(msg, attrs); };
  // promkit prints the blocks it writes, as `create-blocks-from openmetrics` does.
  bool wrote_header = false;
  if (mode == Mode::kPromkit && !parent.quiet) {
    opts.on_block = [&](const tsdb::BlockMeta& meta) {
      uint64_t size = 0;
      if (util::Result<std::shared_ptr<tsdb::Block>> b =
              tsdb::Block::Open(f.output_dir + "/" + meta.ulid);
          b.ok()) {
        size = (*b)->size();
      }
      std::vector<std::vector<std::string>> rows;
      if (!wrote_header) rows.push_back(kBlockHeader);
      wrote_header = true;
      rows.push_back(BlockRow(meta, size, parent.human_readable));
      std::string out = Tabulate(rows);
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
    };
  }
  const std::vector<util::Status> errors =
      rules::BackfillRules(groups, RangeQueries(resolved, base, db.get()), opts);
  for (const util::Status& e : errors) {
    std::fprintf(stderr, "rule importer error: %s\n", e.ToString().c_str());
  }
  if (!errors.empty()) return fail("error importing rules");
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// promkit's own writes to persisted blocks: compact, delete, clean-tombstones (lib/tsdb/compact).

constexpr std::string_view kHeadNote =
    " Works on the persisted blocks only: the head (wal/, chunks_head/) is neither read nor "
    "written. Refuses a directory a running Prometheus has locked.";

void PrintLine(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

struct CompactFlags {
  bool dry_run = false;
  std::string max_block_duration = "36h";
  std::string path = std::string(kDefaultDbPath);
};

int RunCompact(const CompactFlags& f) {
  util::Result<int64_t> max = util::ParseDuration(f.max_block_duration);
  if (!max.ok()) {
    return Fail(
        max.status().Wrap(fmt::format("invalid --max-block-duration {:?}", f.max_block_duration)));
  }
  tsdb::CompactOptions opts;
  opts.max_block_duration = *max;
  opts.dry_run = f.dry_run;
  opts.progress = PrintLine;
  util::Result<std::vector<tsdb::CompactionStep>> steps = tsdb::CompactDb(f.path, opts);
  if (!steps.ok()) return Fail(steps.status());
  size_t in = 0, out = 0;
  for (const tsdb::CompactionStep& st : *steps) {
    in += st.parents.size();
    if (!st.result.ulid.empty()) out++;
  }
  if (steps->empty()) {
    PrintLine("nothing to compact");
  } else {
    PrintLine(fmt::format("{} {} blocks into {} in {} steps",
                          f.dry_run ? "would compact" : "compacted", in, out, steps->size()));
  }
  return kExitOk;
}

struct DeleteFlags {
  int64_t min_time = std::numeric_limits<int64_t>::min();
  int64_t max_time = std::numeric_limits<int64_t>::max();
  std::vector<std::string> match;
  std::string path = std::string(kDefaultDbPath);
};

int RunDelete(const DeleteFlags& f) {
  std::vector<std::vector<model::Matcher>> sets;
  for (const std::string& m : f.match) {
    util::Result<std::vector<model::Matcher>> ms = promql::parser::ParseMetricSelector(m);
    if (!ms.ok()) return Fail(ms.status());
    sets.push_back(std::move(*ms));
  }
  uint64_t series = 0;
  std::set<std::string> blocks;
  for (const auto& ms : sets) {
    util::Result<std::vector<tsdb::DeleteResult>> r =
        tsdb::DeleteSeries(f.path, ms, f.min_time, f.max_time, util::Env::Default(), PrintLine);
    if (!r.ok()) return Fail(r.status());
    for (const tsdb::DeleteResult& d : *r) {
      series += d.series;
      blocks.insert(d.block);
    }
  }
  PrintLine(fmt::format("tombstones written for {} series in {} blocks", series, blocks.size()));
  return kExitOk;
}

int RunCleanTombstones(const std::string& path) {
  util::Result<std::vector<tsdb::CompactionStep>> steps =
      tsdb::CleanTombstones(path, util::Env::Default(), PrintLine);
  if (!steps.ok()) return Fail(steps.status());
  size_t removed = 0;
  for (const tsdb::CompactionStep& st : *steps) removed += st.result.ulid.empty() ? 1 : 0;
  PrintLine(
      fmt::format("{} blocks rewritten, {} removed entirely", steps->size() - removed, removed));
  return kExitOk;
}

void RegisterTsdbWrites(CLI::App* tsdb, int* exit_code) {
  auto cf = std::make_shared<CompactFlags>();
  CLI::App* compact = tsdb->add_subcommand(
      "compact",
      std::string("Compact blocks as Prometheus does: overlapping blocks are merged first, then "
                  "blocks are merged into ranges of 2h*3^n (6h, 18h, ...) up to "
                  "--max-block-duration; the newest block is left alone. Old blocks are removed "
                  "once the new one is on disk.") +
          std::string(kHeadNote));
  compact->add_flag("--dry-run", cf->dry_run, "Print the plan and change nothing.");
  compact
      ->add_option("--max-block-duration", cf->max_block_duration,
                   "Largest block range to compact to (Prometheus's "
                   "--storage.tsdb.max-block-duration; its default for 15d retention is 36h).")
      ->option_text("<duration>")
      ->default_str("36h");
  compact->add_option("db path", cf->path, std::string(kDbPathHelp));
  compact->callback([cf, exit_code] { *exit_code = RunCompact(*cf); });

  auto df = std::make_shared<DeleteFlags>();
  CLI::App* del = tsdb->add_subcommand(
      "delete",
      std::string("Delete series in a time range by writing tombstones into the blocks, as the "
                  "admin API's delete_series does; clean-tombstones then removes the data.") +
          std::string(kHeadNote));
  del->add_option("--match", df->match, "Series selector. Can be specified multiple times.")
      ->required();
  del->add_option("--min-time", df->min_time,
                  "Minimum timestamp to delete, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::min()));
  del->add_option("--max-time", df->max_time,
                  "Maximum timestamp to delete, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::max()));
  del->add_option("db path", df->path, std::string(kDbPathHelp));
  del->callback([df, exit_code] { *exit_code = RunDelete(*df); });

  auto path = std::make_shared<std::string>(kDefaultDbPath);
  CLI::App* clean = tsdb->add_subcommand(
      "clean-tombstones",
      std::string("Rewrite every block with tombstones without the deleted samples (a new block "
                  "with the same range, level and sources); a block left empty is removed.") +
          std::string(kHeadNote));
  clean->add_option("db path", *path, std::string(kDbPathHelp));
  clean->callback([path, exit_code] { *exit_code = RunCleanTombstones(*path); });
}

}  // namespace

void RegisterTsdb(CLI::App& root, Mode mode, int* exit_code) {
  CLI::App* tsdb = root.add_subcommand("tsdb", "Run tsdb commands.");
  tsdb->require_subcommand(1);

  auto af = std::make_shared<AnalyzeFlags>();
  CLI::App* analyze = tsdb->add_subcommand(
      "analyze", "Analyze churn, label pair cardinality and compaction efficiency.");
  analyze->add_option("--limit", af->limit, "How many items to show in each list.")
      ->default_str("20");
  analyze->add_flag("--extended", af->extended, "Run extended analysis.");
  if (mode == Mode::kPromkit) {
    analyze->add_flag("--suggest", af->suggest,
                      "Also list label names whose values look like IDs, UUIDs, IP addresses, "
                      "URLs or timestamps, how many series dropping each would save, and the "
                      "metric_relabel_configs rule that drops it.");
  }
  analyze->add_option("--match", af->match,
                      "Series selector to analyze. Only 1 set of matchers is supported now.");
  analyze->add_option("db path", af->path, std::string(kDbPathHelp));
  analyze->add_option("block id", af->block_id, "Block to analyze (default is the last block).");
  analyze->callback([af, exit_code] { *exit_code = RunAnalyze(*af); });

  auto lf = std::make_shared<ListFlags>();
  CLI::App* list = tsdb->add_subcommand("list", "List tsdb blocks.");
  list->add_flag("-r,--human-readable", lf->human_readable, "Print human readable values.");
  list->add_option("db path", lf->path, std::string(kDbPathHelp));
  list->callback([lf, mode, exit_code] { *exit_code = RunList(*lf, mode); });

  auto df = std::make_shared<DumpFlags>();
  CLI::App* dump = tsdb->add_subcommand(
      "dump", "Dump data (series+samples or optionally just series) from a TSDB.");
  dump->add_option("--min-time", df->min_time,
                   "Minimum timestamp to dump, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::min()));
  dump->add_option("--max-time", df->max_time,
                   "Maximum timestamp to dump, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::max()));
  dump->add_option("--match", df->match, "Series selector. Can be specified multiple times.")
      ->default_str(std::string(kDefaultMatch));
  dump->add_option("--format", df->format,
                   "Output format of the dump (prom (default) or seriesjson).")
      ->default_str("prom")
      ->check(CLI::IsMember({"prom", "seriesjson"}));
  dump->add_option("db path", df->path, std::string(kDbPathHelp));
  dump->callback([df, mode, exit_code] { *exit_code = RunDump(*df, mode); });

  auto of = std::make_shared<DumpFlags>();
  of->format = std::string(kOpenMetricsFormat);
  CLI::App* dump_om = tsdb->add_subcommand(
      "dump-openmetrics",
      "[Experimental] Dump samples from a TSDB into OpenMetrics text format, excluding native "
      "histograms and staleness markers, which are not representable in OpenMetrics.");
  dump_om
      ->add_option("--min-time", of->min_time,
                   "Minimum timestamp to dump, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::min()));
  dump_om
      ->add_option("--max-time", of->max_time,
                   "Maximum timestamp to dump, in milliseconds since the Unix epoch.")
      ->default_str(std::to_string(std::numeric_limits<int64_t>::max()));
  dump_om->add_option("--match", of->match, "Series selector. Can be specified multiple times.")
      ->default_str(std::string(kDefaultMatch));
  dump_om->add_option("db path", of->path, std::string(kDbPathHelp));
  dump_om->callback([of, mode, exit_code] { *exit_code = RunDump(*of, mode); });

  auto cf = std::make_shared<CreateBlocksFlags>();
  CLI::App* create = tsdb->add_subcommand(
      "create-blocks-from",
      "[Experimental] Import samples from input and produce TSDB blocks. Please refer to the "
      "storage docs for more details.");
  create->require_subcommand(1);
  create->add_flag("-r,--human-readable", cf->human_readable, "Print human readable values.");
  create->add_flag("-q,--quiet", cf->quiet, "Do not print created blocks.");
  CLI::Option* mbd = create->add_option(
      "--max-block-duration", cf->max_block_duration,
      "Maximum duration created blocks may span. Anything less than 2h is ignored.");
  mbd->option_text("<duration>");
  if (mode == Mode::kPromtool) mbd->group("");  // hidden in promtool's help, as upstream
  CLI::App* om = create->add_subcommand(
      "openmetrics",
      "Import samples from OpenMetrics input and produce TSDB blocks. Please refer to the "
      "storage docs for more details.");
  om->add_option("--label", cf->labels,
                 "Label to attach to metrics. Can be specified multiple times. Example "
                 "--label=label_name=label_value")
      ->option_text("LABEL")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  om->add_option("input file", cf->input, "OpenMetrics file to read samples from.")->required();
  om->add_option("output directory", cf->output, "Output directory for generated blocks.")
      ->default_str(std::string(kDefaultDbPath));
  om->callback([cf, mode, exit_code] { *exit_code = RunCreateBlocks(*cf, mode); });

  auto rf = std::make_shared<RulesFlags>();
  CLI::App* rules_cmd =
      create->add_subcommand("rules", "Create blocks of data for new recording rules.");
  rules_cmd
      ->add_option("--http.config.file", rf->http_config_file,
                   "HTTP client configuration file for promtool to connect to Prometheus.")
      ->option_text("<filename>");
  rf->url_opt = rules_cmd
                    ->add_option("--url", rf->url,
                                 "The URL for the Prometheus API with the data where the rule "
                                 "will be backfilled from.")
                    ->default_str("http://localhost:9090");
  if (mode == Mode::kPromkit) {
    rules_cmd
        ->add_option("--tsdb.path", rf->tsdb_path,
                     "Evaluate the rules locally over this data directory (blocks and WAL, "
                     "opened read-only) instead of asking a server.")
        ->option_text("DIR");
  }
  rules_cmd
      ->add_option("--start", rf->start,
                   "The time to start backfilling the new rule from. Must be a RFC3339 formatted "
                   "date or Unix timestamp. Required.")
      ->required();
  rules_cmd->add_option(
      "--end", rf->end,
      "If an end time is provided, all recording rules in the rule files provided will be "
      "backfilled to the end time. Default will backfill up to 3 hours ago. Must be a RFC3339 "
      "formatted date or Unix timestamp.");
  rules_cmd->add_option("--output-dir", rf->output_dir, "Output directory for generated blocks.")
      ->default_str(std::string(kDefaultDbPath));
  rules_cmd
      ->add_option("--eval-interval", rf->eval_interval,
                   "How frequently to evaluate rules when backfilling if a value is not set in "
                   "the recording rule files.")
      ->default_str("60s");
  rules_cmd
      ->add_option("rule-files", rf->files,
                   "A list of one or more files containing recording rules to be backfilled. All "
                   "recording rules listed in the files will be backfilled. Alerting rules are "
                   "not evaluated.")
      ->required();
  rules_cmd->callback(
      [rf, cf, mode, exit_code] { *exit_code = RunCreateBlocksFromRules(*rf, *cf, mode); });
  if (mode == Mode::kPromkit) RegisterTsdbWrites(tsdb, exit_code);
}

}  // namespace promkit::cli
