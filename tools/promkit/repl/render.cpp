#include "repl/render.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <set>

#include <fmt/core.h>

#include "promql/api.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli::repl {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
// Colours cycled through table columns and graph series: cyan, green, yellow, magenta, blue,
// red, then their bright forms.
constexpr std::array<std::string_view, 12> kPalette = {
    "\x1b[36m", "\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[34m", "\x1b[31m",
    "\x1b[96m", "\x1b[92m", "\x1b[93m", "\x1b[95m", "\x1b[94m", "\x1b[91m"};
// Series markers when there is no colour to tell series apart.
constexpr std::array<std::string_view, 10> kMarkers = {"*", "+", "o", "x", "#",
                                                       "@", "%", "&", "=", "~"};

std::string Paint(std::string_view s, std::string_view sgr, bool color) {
  if (!color || s.empty()) return std::string(s);
  return fmt::format("{}{}{}", sgr, s, kReset);
}

// Label names of `sets` in table order: __name__ first, then sorted.
template <typename Range, typename Get>
std::vector<std::string> Columns(const Range& rows, Get labels_of) {
  std::set<std::string> names;
  bool has_name = false;
  for (const auto& row : rows) {
    for (const model::Label& l : labels_of(row)) {
      if (l.name == model::kMetricName) {
        has_name = true;
      } else {
        names.emplace(l.name);
      }
    }
  }
  std::vector<std::string> cols;
  if (has_name) cols.emplace_back(model::kMetricName);
  cols.insert(cols.end(), names.begin(), names.end());
  return cols;
}

// Lays out rows of cells; `right` marks right-aligned columns. Cells may hold colour codes.
std::string Tabulate(const std::vector<std::vector<std::string>>& rows,
                     const std::vector<bool>& right) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t pad = width[i] - DisplayWidth(row[i]);
      if (i > 0) line += "  ";
      if (i < right.size() && right[i]) {
        line.append(pad, ' ');
        line += row[i];
      } else {
        line += row[i];
        if (i + 1 < row.size()) line.append(pad, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string ApiSeconds(int64_t ms) {
  std::string out;
  promql::AppendApiTimestamp(out, ms);
  return out;
}

// A label value for a table cell: as it is, unless it holds control characters (a newline
// would break the row), then escaped as Go quotes it, without the quotes.
std::string Cell(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      std::string q = util::GoQuote(s);
      return q.substr(1, q.size() - 2);
    }
  }
  return std::string(s);
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Three significant digits with an SI prefix: 1.23k, 45.6M, 12.5m, 0.
std::string ShortValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return "0";
  static constexpr std::array<std::pair<double, std::string_view>, 11> kPrefixes = {{
      {1e18, "E"},
      {1e15, "P"},
      {1e12, "T"},
      {1e9, "G"},
      {1e6, "M"},
      {1e3, "k"},
      {1, ""},
      {1e-3, "m"},
      {1e-6, "µ"},
      {1e-9, "n"},
      {1e-12, "p"},
  }};
  const double a = std::fabs(v);
  if (a >= 1e21 || a < 1e-12) return util::FormatFloat(v, 'g', 3);
  for (const auto& [scale, prefix] : kPrefixes) {
    if (a >= scale) {
      const double scaled = a / scale;
      std::string digits = util::FormatFloat(v / scale, 'f',
                                             scaled >= 100  ? 0
                                             : scaled >= 10 ? 1
                                                            : 2);
      if (digits.find('.') != std::string::npos) {
        while (digits.back() == '0') digits.pop_back();
        if (digits.back() == '.') digits.pop_back();
      }
      return digits + std::string(prefix);
    }
  }
  return util::FormatFloat(v, 'g', 3);
}

// A time axis label: clock time for spans up to a day, else date and time (UTC).
std::string AxisTime(int64_t ms, int64_t span_ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  if (span_ms <= 24 * 3600 * 1000) {
    std::strftime(buf, sizeof buf, span_ms < 10 * 60 * 1000 ? "%H:%M:%S" : "%H:%M", &tm);
  } else {
    std::strftime(buf, sizeof buf, "%m-%d %H:%M", &tm);
  }
  return buf;
}

// Cuts `s` to at most `width` display columns (escape codes kept, colour reset if cut).
std::string Truncate(std::string_view s, size_t width, bool color) {
  if (DisplayWidth(s) <= width) return std::string(s);
  std::string out;
  size_t cols = 0;
  size_t i = 0;
  while (i < s.size() && cols + 1 < width) {
    if (s[i] == '\x1b') {
      size_t m = s.find('m', i);
      if (m == std::string_view::npos) break;
      out += s.substr(i, m + 1 - i);
      i = m + 1;
      continue;
    }
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    const size_t n = std::max<size_t>(1, static_cast<size_t>(r.width));
    out += s.substr(i, n);
    i += n;
    ++cols;
  }
  out += "…";
  if (color) out += kReset;
  return out;
}

// A braille canvas: cells of 2x4 dots, each cell remembering the last series drawn into it.
class Canvas {
 public:
  Canvas(int cols, int rows)
      : cols_(cols), rows_(rows), bits_(cols * rows, 0), owner_(cols * rows, -1) {}
  int dots_x() const { return cols_ * 2; }
  int dots_y() const { return rows_ * 4; }

  void Set(int x, int y, int series) {
    if (x < 0 || y < 0 || x >= dots_x() || y >= dots_y()) return;
    static constexpr uint8_t kBit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    const size_t cell = static_cast<size_t>((y / 4) * cols_ + x / 2);
    bits_[cell] |= kBit[x % 2][y % 4];
    owner_[cell] = series;
  }
  void Line(int x0, int y0, int x1, int y1, int series) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
      Set(x0, y0, series);
      if (x0 == x1 && y0 == y1) return;
      const int e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }
  // Row `r` as text: braille in the owner's colour, or the owner's marker without colour
  // when several series share the plot.
  std::string Row(int r, bool color, bool markers) const {
    std::string out;
    int open = -1;
    for (int c = 0; c < cols_; ++c) {
      const size_t cell = static_cast<size_t>(r * cols_ + c);
      const int owner = bits_[cell] == 0 ? -1 : owner_[cell];
      if (color && owner != open) {
        if (open >= 0) out += kReset;
        if (owner >= 0) out += kPalette[static_cast<size_t>(owner) % kPalette.size()];
        open = owner;
      }
      if (owner < 0) {
        out += ' ';
      } else if (markers) {
        out += kMarkers[static_cast<size_t>(owner) % kMarkers.size()];
      } else {
        util::AppendRune(out, 0x2800 + bits_[cell]);
      }
    }
    if (color && open >= 0) out += kReset;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

 private:
  int cols_, rows_;
  std::vector<uint8_t> bits_;
  std::vector<int> owner_;
};

}  // namespace

size_t DisplayWidth(std::string_view s) {
  size_t cols = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\x1b') {
      size_t m = s.find('m', i);
      if (m == std::string_view::npos) return cols;
      i = m + 1;
      continue;
    }
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    i += std::max<size_t>(1, static_cast<size_t>(r.width));
    ++cols;
  }
  return cols;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) return util::FormatFloat(v, 'e', -1);
  return util::FormatFloat(v, 'f', -1);
}

std::string FormatMetric(const model::Labels& ls, bool color) {
  std::string out = Paint(ls.MetricName(), kBold, color);
  out += '{';
  bool first = true;
  for (const model::Label& l : ls) {
    if (l.name == model::kMetricName) continue;
    if (!first) out += ", ";
    first = false;
    out += Paint(l.name, kPalette[0], color);
    out += '=';
    out += Paint(util::GoQuote(l.value), kPalette[1], color);
  }
  out += '}';
  return out;
}

std::string RenderTable(const promql::Value& v, const RenderOptions& opts) {
  using promql::ValueKind;
  switch (v.kind) {
    case ValueKind::kNone:
      return "";
    case ValueKind::kScalar:
      return FormatValue(v.scalar.v) + "\n";
    case ValueKind::kString:
      return v.string.v + "\n";
    case ValueKind::kVector:
    case ValueKind::kMatrix:
      break;
  }
  const bool matrix = v.kind == ValueKind::kMatrix;
  if (matrix ? v.matrix.empty() : v.vector.empty()) return "(no series)\n";
  std::vector<std::string> cols =
      matrix ? Columns(v.matrix,
                       [](const promql::Series& s) -> const model::Labels& { return s.metric; })
             : Columns(v.vector,
                       [](const promql::Sample& s) -> const model::Labels& { return s.metric; });
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const std::string& c : cols) header.push_back(Paint(c, kBold, opts.color));
  if (matrix) header.push_back(Paint("time", kBold, opts.color));
  header.push_back(Paint("value", kBold, opts.color));
  rows.push_back(std::move(header));
  // The metric name in bold, each label column in a colour of its own.
  const size_t first_label = !cols.empty() && cols[0] == model::kMetricName ? 1 : 0;
  auto label_cells = [&](const model::Labels& ls) {
    std::vector<std::string> row;
    for (size_t i = 0; i < cols.size(); ++i) {
      const std::string val = Cell(ls.Get(cols[i]));
      row.push_back(Paint(val,
                          i < first_label ? kBold : kPalette[(i - first_label) % kPalette.size()],
                          opts.color));
    }
    return row;
  };
  if (matrix) {
    for (const promql::Series& s : v.matrix) {
      const std::vector<std::string> labels = label_cells(s.metric);
      for (const promql::FPoint& p : s.floats) {
        std::vector<std::string> row = labels;
        row.push_back(util::FormatRfc3339Nano(p.t));
        row.push_back(FormatValue(p.f));
        rows.push_back(std::move(row));
      }
    }
  } else {
    std::vector<const promql::Sample*> sorted;
    for (const promql::Sample& s : v.vector) sorted.push_back(&s);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return model::Labels::Compare(a->metric, b->metric) < 0;
    });
    for (const promql::Sample* s : sorted) {
      std::vector<std::string> row = label_cells(s->metric);
      row.push_back(FormatValue(s->f));
      rows.push_back(std::move(row));
    }
  }
  std::vector<bool> right(rows[0].size(), false);
  right.back() = true;
  return Tabulate(rows, right);
}

std::string RenderCsv(const promql::Value& v) {
  using promql::ValueKind;
  std::string out;
  auto line = [&out](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  };
  switch (v.kind) {
    case ValueKind::kNone:
      return "";
    case ValueKind::kScalar:
      line({"timestamp", "value"});
      line({ApiSeconds(v.scalar.t), FormatValue(v.scalar.v)});
      return out;
    case ValueKind::kString:
      line({"timestamp", "value"});
      line({ApiSeconds(v.string.t), v.string.v});
      return out;
    case ValueKind::kVector:
    case ValueKind::kMatrix:
      break;
  }
  const bool matrix = v.kind == ValueKind::kMatrix;
  std::vector<std::string> cols =
      matrix ? Columns(v.matrix,
                       [](const promql::Series& s) -> const model::Labels& { return s.metric; })
             : Columns(v.vector,
                       [](const promql::Sample& s) -> const model::Labels& { return s.metric; });
  std::vector<std::string> header = cols;
  header.emplace_back("timestamp");
  header.emplace_back("value");
  line(header);
  auto row_of = [&cols](const model::Labels& ls, int64_t t, double f) {
    std::vector<std::string> row;
    for (const std::string& c : cols) row.emplace_back(ls.Get(c));
    row.push_back(ApiSeconds(t));
    row.push_back(FormatValue(f));
    return row;
  };
  if (matrix) {
    for (const promql::Series& s : v.matrix) {
      for (const promql::FPoint& p : s.floats) line(row_of(s.metric, p.t, p.f));
    }
  } else {
    std::vector<const promql::Sample*> sorted;
    for (const promql::Sample& s : v.vector) sorted.push_back(&s);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return model::Labels::Compare(a->metric, b->metric) < 0;
    });
    for (const promql::Sample* s : sorted) line(row_of(s->metric, s->t, s->f));
  }
  return out;
}

std::string RenderJson(const promql::Result& r) {
  promql::ApiResponse api;
  if (!r.ok()) {
    api.error_type = std::string(promql::ErrorTypeName(r.error_type));
    api.error = r.error;
  } else {
    api.kind = promql::ApiDataKind::kQuery;
    api.value = r.value;
  }
  // As the API: at most ten warnings and ten infos, then how many more were left out.
  constexpr size_t kMax = 10;
  size_t warn_more = 0, info_more = 0;
  for (const promql::Annotation& a : r.annotations) {
    std::vector<std::string>& dst = a.info ? api.infos : api.warnings;
    if (dst.size() < kMax) {
      dst.push_back(a.text);
    } else {
      ++(a.info ? info_more : warn_more);
    }
  }
  if (warn_more > 0)
    api.warnings.push_back(fmt::format("{} more warning annotations omitted", warn_more));
  if (info_more > 0)
    api.infos.push_back(fmt::format("{} more info annotations omitted", info_more));
  return promql::EncodeApiResponse(api) + "\n";
}

std::string RenderJsonError(std::string_view error_type, std::string_view message) {
  promql::ApiResponse api;
  api.error_type = std::string(error_type);
  api.error = std::string(message);
  return promql::EncodeApiResponse(api) + "\n";
}

std::string RenderGraph(const promql::Matrix& m, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                        const RenderOptions& opts) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  for (const promql::Series& s : m) {
    for (const promql::FPoint& p : s.floats) {
      if (!std::isfinite(p.f)) continue;
      lo = std::min(lo, p.f);
      hi = std::max(hi, p.f);
    }
  }
  if (m.empty()) return "(no series)\n";
  if (lo > hi) return "(no finite values to plot)\n";
  if (lo == hi) {  // a flat line: centre it
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const int rows = std::max(3, opts.height);
  // Y labels at the top, middle and bottom rows; their width sets the plot's left edge.
  const int mid = rows / 2;
  auto row_value = [&](int r) { return hi - (hi - lo) * r / (rows - 1); };
  std::vector<std::string> ylabels(rows);
  ylabels[0] = ShortValue(hi);
  ylabels[mid] = ShortValue(row_value(mid));
  ylabels[rows - 1] = ShortValue(lo);
  size_t label_w = 0;
  for (const std::string& l : ylabels) label_w = std::max(label_w, DisplayWidth(l));
  const int cols = std::max(10, opts.width - static_cast<int>(label_w) - 2);

  Canvas canvas(cols, rows);
  const bool markers = !opts.color && m.size() > 1;
  const double span = end_ms > start_ms ? static_cast<double>(end_ms - start_ms) : 1;
  auto to_x = [&](int64_t t) {
    return static_cast<int>(std::lround((t - start_ms) / span * (canvas.dots_x() - 1)));
  };
  auto to_y = [&](double v) {
    return static_cast<int>(std::lround((hi - v) / (hi - lo) * (canvas.dots_y() - 1)));
  };
  for (size_t i = 0; i < m.size(); ++i) {
    const auto& pts = m[i].floats;
    for (size_t j = 0; j < pts.size(); ++j) {
      if (!std::isfinite(pts[j].f)) continue;
      const int x = to_x(pts[j].t), y = to_y(pts[j].f);
      const bool joined = j > 0 && std::isfinite(pts[j - 1].f) &&
                          (step_ms <= 0 || pts[j].t - pts[j - 1].t <= step_ms);
      if (joined && !markers) {
        canvas.Line(to_x(pts[j - 1].t), to_y(pts[j - 1].f), x, y, static_cast<int>(i));
      } else {
        canvas.Set(x, y, static_cast<int>(i));
      }
    }
  }

  std::string out;
  for (int r = 0; r < rows; ++r) {
    const std::string& l = ylabels[r];
    out.append(label_w - DisplayWidth(l), ' ');
    out += l;
    out += l.empty() ? " │" : " ┤";
    out += canvas.Row(r, opts.color, markers);
    out += '\n';
  }
  out.append(label_w + 1, ' ');
  out += "└";
  for (int c = 0; c < cols; ++c) out += "─";
  out += '\n';
  // Time labels under the left edge, the middle and the right edge.
  const int64_t span_ms = end_ms - start_ms;
  std::string left = AxisTime(start_ms, span_ms);
  std::string middle = AxisTime(start_ms + span_ms / 2, span_ms);
  std::string right = AxisTime(end_ms, span_ms);
  std::string axis(label_w + 2, ' ');
  axis += left;
  const size_t middle_at = label_w + 2 + static_cast<size_t>(cols) / 2 - middle.size() / 2;
  const size_t right_at = label_w + 2 + static_cast<size_t>(cols) - right.size();
  if (middle_at > axis.size() + 1 && middle_at + middle.size() + 1 < right_at) {
    axis.append(middle_at - axis.size(), ' ');
    axis += middle;
  }
  if (right_at > axis.size() + 1) {
    axis.append(right_at - axis.size(), ' ');
    axis += right;
  }
  out += axis;
  out += '\n';
  // Legend: a swatch per series and its labels, cut to the width.
  constexpr size_t kMaxLegend = 20;
  for (size_t i = 0; i < m.size() && i < kMaxLegend; ++i) {
    std::string swatch = markers ? std::string(kMarkers[i % kMarkers.size()]) : std::string("⣿");
    std::string entry = "  " + Paint(swatch, kPalette[i % kPalette.size()], opts.color) + " " +
                        FormatMetric(m[i].metric, opts.color);
    out += Truncate(entry, static_cast<size_t>(opts.width), opts.color);
    out += '\n';
  }
  if (m.size() > kMaxLegend) out += fmt::format("  … and {} more series\n", m.size() - kMaxLegend);
  return out;
}

std::string RenderSeriesList(std::vector<model::Labels> series, bool color) {
  std::sort(series.begin(), series.end(), [](const model::Labels& a, const model::Labels& b) {
    return model::Labels::Compare(a, b) < 0;
  });
  std::string out;
  for (const model::Labels& ls : series) {
    out += FormatMetric(ls, color);
    out += '\n';
  }
  return out;
}

}  // namespace promkit::cli::repl
