// promtool's `tsdb` commands over promkit's TSDB readers (lib/tsdb): list and dump. Output,
// flags and exit codes follow upstream cmd/promtool/tsdb.go.
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "model/labels.h"
#include "storage/interface.h"
#include "storage/merge.h"
#include "tsdb/db_readonly.h"
#include "tsdb/selector_stopgap.h"
#include "util/duration.h"
#include "util/numbers.h"
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

int RunList(const ListFlags& f, Mode mode) {
  util::Result<std::unique_ptr<tsdb::DbReadOnly>> db = tsdb::DbReadOnly::Open(f.path);
  if (!db.ok()) return Fail(db.status());
  PrintWarnings((*db)->warnings(), mode);
  std::vector<std::vector<std::string>> rows = {{"BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION",
                                                 "NUM SAMPLES", "NUM CHUNKS", "NUM SERIES",
                                                 "SIZE"}};
  for (const auto& b : (*db)->blocks()) {
    const tsdb::BlockMeta& m = b->meta();
    // time.Duration(max-min) * time.Millisecond, wrapping as Go's int64 arithmetic does.
    auto ns = static_cast<int64_t>(
        (static_cast<uint64_t>(m.max_time) - static_cast<uint64_t>(m.min_time)) * 1000000u);
    auto size = static_cast<int64_t>(b->size());
    rows.push_back({m.ulid, f.human_readable ? HumanTime(m.min_time) : std::to_string(m.min_time),
                    f.human_readable ? HumanTime(m.max_time) : std::to_string(m.max_time),
                    util::FormatGoDuration(ns), std::to_string(m.stats.num_samples),
                    std::to_string(m.stats.num_chunks), std::to_string(m.stats.num_series),
                    f.human_readable ? HumanBytes(size) : std::to_string(size)});
  }
  std::string out = Tabulate(rows);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

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
    // TODO(#4): parse with lib/promql/parser once it lands.
    util::Result<std::vector<model::Matcher>> ms = tsdb::ParseSelectorStopgap(m);
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
    } else {
      std::string labels = s.Labels().ToString();
      std::unique_ptr<storage::SampleIterator> it = s.Iterator();
      for (storage::ValueType t = it->Next(); t != storage::ValueType::kNone; t = it->Next()) {
        if (t != storage::ValueType::kFloat) {
          err = util::Status::InvalidArgument(
              fmt::format("unsupported sample type {}", storage::ValueTypeName(t)));
          break;
        }
        out += labels;
        out += ' ';
        util::AppendFloat(out, it->AtFloat(), 'g', -1);
        out += ' ';
        out += std::to_string(it->AtT());
        out += '\n';
      }
      if (err.ok()) err = it->Err();
    }
    if (out.size() > (1 << 16)) flush();
  }
  flush();
  if (err.ok()) err = ss->Err();
  util::Status close = q->Close();
  if (!err.ok()) return Fail(err);
  if (!close.ok()) return Fail(close);
  return kExitOk;
}

}  // namespace

void RegisterTsdb(CLI::App& root, Mode mode, int* exit_code) {
  CLI::App* tsdb = root.add_subcommand("tsdb", "Run tsdb commands.");
  tsdb->require_subcommand(1);

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
}

}  // namespace promkit::cli
