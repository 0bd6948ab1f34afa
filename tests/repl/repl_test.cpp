// The repl's parts as plain functions (times, statements, completion, renderers) and sessions
// over testdata/tsdb/basic with their output captured.
#include <stdio.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "repl/complete.h"
#include "repl/input.h"
#include "repl/render.h"
#include "repl/session.h"
#include "repl/time_spec.h"
#include "tsdb/db_readonly.h"

namespace promkit::cli::repl {
namespace {

// ---------------------------------------------------------------------------------------------
// Times.

TEST(ParseTime, Table) {
  const TimeAnchors a{1'700'000'000'000, 1'600'000'000'000};
  const std::tuple<std::string_view, bool, int64_t> cases[] = {
      {"now", true, 1'700'000'000'000},
      {"now-1h", true, 1'700'000'000'000 - 3'600'000},
      {"now+1m30s", true, 1'700'000'000'000 + 90'000},
      {"latest", true, 1'600'000'000'000},
      {"latest-5m", true, 1'600'000'000'000 - 300'000},
      {"1700000000", true, 1'700'000'000'000},
      {"1700000000.25", true, 1'700'000'000'250},
      {"2023-11-14T22:13:20Z", true, 1'700'000'000'000},
      {"2023-11-14T23:13:20.5+01:00", true, 1'700'000'000'500},
      {"", false, 0},
      {"yesterday", false, 0},
      {"now-", false, 0},
      {"now-5x", false, 0},
      {"now5m", false, 0},
      {"latest-1.5h", false, 0},
      {"2023-11-14", false, 0},
  };
  for (const auto& [in, ok, ms] : cases) {
    SCOPED_TRACE(in);
    util::Result<int64_t> got = ParseTime(in, a);
    ASSERT_EQ(got.ok(), ok) << (got.ok() ? "" : got.status().ToString());
    if (ok) {
      EXPECT_EQ(*got, ms);
    }
  }
  EXPECT_EQ(ParseTime("soon", a).status().ToString(),
            "cannot parse \"soon\" as a time (want RFC 3339, Unix seconds, now[-DUR] or "
            "latest[-DUR])");
}

TEST(ParseTime, RelativeFormsFollowTheirAnchor) {
  util::Result<TimeSpec> spec = ParseTimeSpec("latest-1m");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Resolve({0, 120'000}), 60'000);
  EXPECT_EQ(spec->Resolve({0, 180'000}), 120'000);
  EXPECT_EQ(spec->text, "latest-1m");
}

TEST(ParseStep, Table) {
  const std::tuple<std::string_view, bool, int64_t> cases[] = {
      {"15s", true, 15'000}, {"1m30s", true, 90'000}, {"15", true, 15'000}, {"0.5", true, 500},
      {"1ms", true, 1},      {"0", false, 0},         {"0s", false, 0},     {"-1", false, 0},
      {"abc", false, 0},     {"", false, 0},          {"NaN", false, 0},    {"0.0001", false, 0},
  };
  for (const auto& [in, ok, ms] : cases) {
    SCOPED_TRACE(in);
    util::Result<int64_t> got = ParseStep(in);
    ASSERT_EQ(got.ok(), ok);
    if (ok) {
      EXPECT_EQ(*got, ms);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Statements.

TEST(NeedsMoreInput, Table) {
  const std::pair<std::string_view, bool> cases[] = {
      {"up", false},
      {"sum(", true},
      {"sum(rate(x[5m]))", false},
      {"x{a=\"b\"", true},
      {"x{a=\"b}", true},         // the quote is open
      {"x{a=\"b\\\"\"}", false},  // an escaped quote does not close
      {"x{a=`b\\`}", false},      // backticks do not escape
      {"x{a='b", true},
      {"rate(x[5m])) ", false},  // extra closers are the parser's business
      {"sum( # comment (", true},
      {"sum(x) # (", false},
      {".explain sum(", true},
      {"", false},
  };
  for (const auto& [in, more] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(NeedsMoreInput(in), more);
  }
}

TEST(SplitStatements, ContinuesOpenStatementsAndSkipsComments) {
  std::vector<Statement> got = SplitStatements(
      "# a script\n"
      ".at 1700000000\n"
      "\n"
      "sum by (code) (\n"
      "  rate(x[5m])\n"
      ")\n"
      "  # indented comment\n"
      "up\r\n"
      "sum(\n");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].text, ".at 1700000000");
  EXPECT_EQ(got[0].line, 2);
  EXPECT_EQ(got[1].text, "sum by (code) (\n  rate(x[5m])\n)");
  EXPECT_EQ(got[1].line, 4);
  EXPECT_EQ(got[2].text, "up");
  EXPECT_EQ(got[2].line, 8);
  EXPECT_EQ(got[3].text, "sum(");  // left open at the end: evaluated, so the error shows
}

// ---------------------------------------------------------------------------------------------
// Completion.

TEST(AnalyzeCompletion, Contexts) {
  struct Case {
    std::string_view text;
    CompletionKind kind;
    std::string_view prefix;
    std::string_view metric = "";
    std::string_view label = "";
    char quote = 0;
  };
  using K = CompletionKind;
  const Case cases[] = {
      {"", K::kExpression, ""},
      {"http_re", K::kExpression, "http_re"},
      {"job:http_requests:ra", K::kExpression, "job:http_requests:ra"},
      {"sum(ra", K::kExpression, "ra"},
      {"up + ", K::kExpression, ""},
      {"up > bo", K::kExpression, "bo"},
      {"up o", K::kAfterOperand, "o"},
      {"sum(up) b", K::kAfterOperand, "b"},
      {"sum b", K::kAfterOperand, "b"},
      {"sum by (jo", K::kGroupingLabel, "jo"},
      {"sum(up) without (", K::kGroupingLabel, ""},
      {"a / on(in", K::kGroupingLabel, "in"},
      {"a / on(instance) gr", K::kExpression, "gr"},
      {"a * group_left(x", K::kGroupingLabel, "x"},
      {"up{", K::kLabelName, "", "up"},
      {"up{jo", K::kLabelName, "jo", "up"},
      {"up{job=\"a\", ins", K::kLabelName, "ins", "up"},
      {"{__name__=\"up\", j", K::kLabelName, "j", "up"},
      {"{jo", K::kLabelName, "jo", ""},
      {"up{job=", K::kLabelValue, "", "up", "job"},
      {"up{job=~", K::kLabelValue, "", "up", "job"},
      {"up{job!=\"pro", K::kLabelValue, "pro", "up", "job", '"'},
      {"up{job='pro", K::kLabelValue, "pro", "up", "job", '\''},
      {"up{job=\"a b", K::kLabelValue, "a b", "up", "job", '"'},
      {"up{job=\"a\\\"b", K::kLabelValue, "a\\\"b", "up", "job", '"'},
      {"rate(up[", K::kDuration, ""},
      {"rate(up[5", K::kDuration, "5"},
      {"max_over_time(up[1h:1", K::kDuration, "1"},
      {"up offset ", K::kDuration, ""},
      {"up offset 1", K::kDuration, "1"},
      {"up{job=\"a\"} # comment ", K::kNone, ""},
      {"\"a str", K::kNone, ""},
      {"sum by (", K::kGroupingLabel, ""},
      {"1", K::kNone, "1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CompletionContext ctx = AnalyzeCompletion(c.text);
    EXPECT_EQ(ctx.kind, c.kind);
    EXPECT_EQ(ctx.prefix, c.prefix);
    if (c.kind != K::kNone) {
      EXPECT_EQ(ctx.word_start + ctx.prefix.size(), c.text.size());
    }
    if (c.kind == K::kLabelName || c.kind == K::kLabelValue) {
      EXPECT_EQ(ctx.metric, c.metric);
    }
    if (c.kind == K::kLabelValue) {
      EXPECT_EQ(ctx.label, c.label);
      EXPECT_EQ(ctx.quote, c.quote);
    }
  }
}

TEST(AnalyzeCompletion, GroupingScopesToTheMetricsMentioned) {
  CompletionContext ctx = AnalyzeCompletion("sum(rate(http_requests_total[5m])) by (");
  EXPECT_EQ(ctx.kind, CompletionKind::kGroupingLabel);
  EXPECT_EQ(ctx.metrics, std::vector<std::string>{"http_requests_total"});  // not rate
}

class FakeSource final : public CompletionSource {
 public:
  const std::vector<std::string>& MetricNames() override { return metrics_; }
  std::vector<std::string> LabelNames(std::span<const std::string> metrics) override {
    if (metrics.empty()) return {"__name__", "code", "instance", "job", "path"};
    if (metrics[0] == "up") return {"__name__", "instance", "job"};
    return {};
  }
  const std::vector<std::string>& LabelValues(const std::string& label,
                                              const std::string& metric) override {
    static const std::vector<std::string> kNone;
    auto it = values_.find(label);
    if (it == values_.end()) return kNone;
    asked_metric = metric;
    return it->second;
  }
  std::string asked_metric;

 private:
  std::vector<std::string> metrics_ = {"http_requests_total", "process_cpu_seconds_total",
                                       "rate_limited_total", "up"};
  std::map<std::string, std::vector<std::string>> values_ = {
      {"job", {"api", "api-server", "node", "say \"hi\""}}, {"code", {"200", "500"}}};
};

std::vector<std::string> CompleteText(std::string_view text, CompletionOptions opts = {}) {
  FakeSource src;
  return Complete(AnalyzeCompletion(text), src, opts);
}

using Strings = std::vector<std::string>;

TEST(Complete, Candidates) {
  EXPECT_EQ(CompleteText("http_"), Strings{"http_requests_total"});
  EXPECT_EQ(CompleteText("rat"), (Strings{"rate", "rate_limited_total"}));
  EXPECT_EQ(CompleteText("ra"), (Strings{"rad", "rate", "rate_limited_total"}));
  EXPECT_EQ(CompleteText("sum(ra"), (Strings{"rad", "rate", "rate_limited_total"}));
  EXPECT_EQ(CompleteText("quant"), (Strings{"quantile", "quantile_over_time"}));
  EXPECT_EQ(CompleteText("limit"), Strings{});  // experimental aggregations
  EXPECT_EQ(CompleteText("limit", {.experimental_functions = true}),
            (Strings{"limit_ratio", "limitk"}));
  EXPECT_EQ(CompleteText("up > b"), (Strings{"bool", "bottomk"}));
  EXPECT_EQ(CompleteText("up + ig"), Strings{"ignoring"});
  EXPECT_EQ(CompleteText("a / on(instance) group_"), (Strings{"group_left", "group_right"}));
  EXPECT_EQ(CompleteText("up o"), (Strings{"offset", "or"}));
  EXPECT_EQ(CompleteText("sum(up) "), (Strings{"and", "atan2", "by", "or", "unless", "without"}));
  EXPECT_EQ(CompleteText("sum w"), Strings{"without"});
  EXPECT_EQ(CompleteText("up{"), (Strings{"__name__", "instance", "job"}));
  EXPECT_EQ(CompleteText("{c"), Strings{"code"});
  EXPECT_EQ(CompleteText("sum by (c"), Strings{"code"});
  EXPECT_EQ(CompleteText("up{job=\"ap"), (Strings{"api\"", "api-server\""}));
  EXPECT_EQ(CompleteText("up{job="),
            (Strings{"\"api\"", "\"api-server\"", "\"node\"", "\"say \\\"hi\\\"\""}));
  EXPECT_EQ(CompleteText("up{job='s"), Strings{"say \"hi\"'"});
  EXPECT_EQ(CompleteText("up{job=\"say \\\""), Strings{"say \\\"hi\\\"\""});
  EXPECT_EQ(CompleteText("rate(up[1"), (Strings{"1d", "1h", "1m", "1ms", "1s", "1w", "1y"}));
  EXPECT_EQ(CompleteText("rate(up[").size(), 11u);
  EXPECT_EQ(CompleteText("up # u"), Strings{});
}

TEST(Complete, LabelValuesAreScopedToTheSelectorsMetric) {
  FakeSource src;
  (void)Complete(AnalyzeCompletion("up{job=\""), src);
  EXPECT_EQ(src.asked_metric, "up");
  (void)Complete(AnalyzeCompletion("{job=\""), src);
  EXPECT_EQ(src.asked_metric, "");
}

TEST(CompleteStatement, DotCommands) {
  FakeSource src;
  auto got = CompleteStatement(".f", src);
  EXPECT_EQ(got.word_start, 0u);
  EXPECT_EQ(got.candidates, Strings{".format"});
  got = CompleteStatement(".format c", src);
  EXPECT_EQ(got.word_start, 8u);
  EXPECT_EQ(got.candidates, Strings{"csv"});
  got = CompleteStatement(".explain sum(http", src);
  EXPECT_EQ(got.word_start, 13u);
  EXPECT_EQ(got.candidates, Strings{"http_requests_total"});
  got = CompleteStatement(".series up{jo", src);
  EXPECT_EQ(got.candidates, Strings{"job"});
  got = CompleteStatement(".labels j", src);
  EXPECT_EQ(got.candidates, Strings{"job"});
  got = CompleteStatement(".metrics pro", src);
  EXPECT_EQ(got.candidates, Strings{"process_cpu_seconds_total"});
  got = CompleteStatement(".at la", src);
  EXPECT_EQ(got.candidates, Strings{"latest"});
  got = CompleteStatement("up{job=\"n", src);
  EXPECT_EQ(got.word_start, 8u);
  EXPECT_EQ(got.candidates, Strings{"node\""});
}

// ---------------------------------------------------------------------------------------------
// Renderers.

promql::Value VectorOf(std::vector<std::pair<model::Labels, double>> samples) {
  promql::Value v;
  v.kind = promql::ValueKind::kVector;
  for (auto& [ls, f] : samples) v.vector.push_back(promql::Sample{ls, 1'700'000'000'000, f});
  return v;
}

TEST(Render, TableSortsSeriesAndAlignsColumns) {
  promql::Value v = VectorOf({
      {model::Labels::FromStrings({"__name__", "x", "code", "500"}), 2.5},
      {model::Labels::FromStrings({"__name__", "x", "code", "200", "path", "/a"}), 1e21},
      {model::Labels::FromStrings({"__name__", "x"}), std::numeric_limits<double>::quiet_NaN()},
  });
  EXPECT_EQ(RenderTable(v, {}),
            "__name__  code  path  value\n"
            "x                       NaN\n"
            "x         200   /a    1e+21\n"
            "x         500           2.5\n");
  promql::Value empty;
  empty.kind = promql::ValueKind::kVector;
  EXPECT_EQ(RenderTable(empty, {}), "(no series)\n");
  promql::Value scalar;
  scalar.kind = promql::ValueKind::kScalar;
  scalar.scalar.v = 0.000001;
  EXPECT_EQ(RenderTable(scalar, {}), "0.000001\n");
}

TEST(Render, TableColoursLabelsOnlyWhenAsked) {
  promql::Value v = VectorOf({{model::Labels::FromStrings({"__name__", "x", "a", "b"}), 1}});
  const std::string plain = RenderTable(v, {});
  const std::string colored = RenderTable(v, {.color = true});
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_NE(colored.find("\x1b["), std::string::npos);
  // Alignment ignores the escape codes.
  EXPECT_EQ(DisplayWidth(colored.substr(0, colored.find('\n'))),
            DisplayWidth(plain.substr(0, plain.find('\n'))));
}

TEST(Render, Csv) {
  promql::Value v =
      VectorOf({{model::Labels::FromStrings({"__name__", "x", "a", "b,\"c\""}), 1.5}});
  EXPECT_EQ(RenderCsv(v), "__name__,a,timestamp,value\r\nx,\"b,\"\"c\"\"\",1700000000,1.5\r\n");
}

TEST(Render, FormatMetric) {
  EXPECT_EQ(FormatMetric(model::Labels::FromStrings({"__name__", "up", "job", "a\"b"}), false),
            "up{job=\"a\\\"b\"}");
  EXPECT_EQ(FormatMetric(model::Labels::FromStrings({"job", "a"}), false), "{job=\"a\"}");
}

promql::Matrix Ramp(int series, int points) {
  promql::Matrix m;
  for (int s = 0; s < series; ++s) {
    promql::Series ser;
    ser.metric = model::Labels::FromStrings({"__name__", "ramp", "n", std::to_string(s)});
    for (int i = 0; i < points; ++i) {
      ser.floats.push_back({1'700'000'000'000 + i * 60'000, static_cast<double>(i * (s + 1))});
    }
    m.push_back(std::move(ser));
  }
  return m;
}

TEST(Render, GraphFitsTheWidth) {
  const promql::Matrix m = Ramp(3, 61);
  for (int width : {40, 80, 133}) {
    SCOPED_TRACE(width);
    for (bool color : {false, true}) {
      const std::string g = RenderGraph(m, 1'700'000'000'000, 1'700'003'600'000, 60'000,
                                        {.color = color, .width = width, .height = 10});
      size_t widest = 0;
      size_t axis = 0;
      size_t pos = 0;
      while (pos < g.size()) {
        size_t nl = g.find('\n', pos);
        std::string_view line(g.data() + pos, nl - pos);
        widest = std::max(widest, DisplayWidth(line));
        if (line.find("└") != std::string_view::npos) axis = DisplayWidth(line);
        pos = nl + 1;
      }
      EXPECT_LE(widest, static_cast<size_t>(width));
      EXPECT_EQ(axis, static_cast<size_t>(width));  // the plot takes the whole width
    }
  }
}

TEST(Render, GraphAxesAndLegend) {
  const std::string g = RenderGraph(Ramp(2, 61), 1'700'000'000'000, 1'700'003'600'000, 60'000,
                                    {.color = false, .width = 60, .height = 8});
  EXPECT_NE(g.find("120 ┤"), std::string::npos) << g;  // the top: 60 * 2
  EXPECT_NE(g.find("  0 ┤"), std::string::npos) << g;
  EXPECT_NE(g.find("22:13"), std::string::npos) << g;              // start, UTC
  EXPECT_NE(g.find("23:13"), std::string::npos) << g;              // end
  EXPECT_NE(g.find("  * ramp{n=\"0\"}"), std::string::npos) << g;  // markers without colour
  EXPECT_NE(g.find("  + ramp{n=\"1\"}"), std::string::npos) << g;
  const std::string one = RenderGraph(Ramp(1, 61), 1'700'000'000'000, 1'700'003'600'000, 60'000,
                                      {.width = 60, .height = 8});
  EXPECT_NE(one.find("⣿ ramp{n=\"0\"}"), std::string::npos) << one;  // braille for one series
}

// ---------------------------------------------------------------------------------------------
// Sessions over testdata/tsdb/basic (blocks from 1700000000 to 1700014400 s).

class SessionTest : public testing::Test {
 protected:
  void SetUp() override {
    out_ = open_memstream(&out_buf_, &out_len_);
    err_ = open_memstream(&err_buf_, &err_len_);
    auto db = tsdb::DbReadOnly::Open("testdata/tsdb/basic");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Terminal term;
    term.out = out_;
    term.err = err_;
    term.size = [] { return std::pair{80, 24}; };
    SessionOptions opts;
    opts.stats = false;
    session_ = std::make_unique<Session>(
        NewDirBackend(std::move(*db), "testdata/tsdb/basic", /*warm_up=*/false), opts, term,
        &runner_);
  }
  void TearDown() override {
    session_.reset();
    std::fclose(out_);
    std::fclose(err_);
    std::free(out_buf_);
    std::free(err_buf_);
  }
  // Runs statements; returns stdout and stderr of the last one.
  std::pair<std::string, std::string> Run(std::initializer_list<std::string_view> statements,
                                          Session::Outcome want = Session::Outcome::kOk) {
    Session::Outcome o = Session::Outcome::kOk;
    for (std::string_view s : statements) {
      std::fflush(out_);
      std::fflush(err_);
      out_mark_ = out_len_;
      err_mark_ = err_len_;
      o = session_->Execute(s);
    }
    EXPECT_EQ(o, want);
    std::fflush(out_);
    std::fflush(err_);
    return {std::string(out_buf_ + out_mark_, out_len_ - out_mark_),
            std::string(err_buf_ + err_mark_, err_len_ - err_mark_)};
  }

  InlineRunner runner_;
  std::unique_ptr<Session> session_;
  std::FILE* out_ = nullptr;
  std::FILE* err_ = nullptr;
  char* out_buf_ = nullptr;
  char* err_buf_ = nullptr;
  size_t out_len_ = 0, err_len_ = 0, out_mark_ = 0, err_mark_ = 0;
};

TEST_F(SessionTest, InstantQueryAtTheNewestSampleByDefault) {
  // Only `up` has a sample within 5m of the newest one (1700014400).
  auto [out, err] = Run({"up"});
  EXPECT_EQ(out,
            "__name__  instance        job         value\n"
            "up        localhost:9090  prometheus      1\n");
  EXPECT_EQ(err, "");
  EXPECT_EQ(Run({"http_requests_total"}).first, "(no series)\n");
  EXPECT_EQ(Run({".at"}).first, "instant queries at latest (2023-11-15T02:13:20Z)\n");
}

TEST_F(SessionTest, AtSetsTheEvaluationTime) {
  auto [out, err] = Run({".at 1700000307.5", "sum by (code) (http_requests_total)"});
  EXPECT_EQ(out,
            "code  value\n"
            "200      83\n"
            "500   25.25\n");
  EXPECT_EQ(Run({".at latest-4h", "count(http_requests_total)"}).first, "value\n    2\n");
  EXPECT_EQ(Run({".at 2023-11-14T22:18:27.5Z", "scalar(sum(http_requests_total))"}).first,
            "108.25\n");
  EXPECT_EQ(Run({".at tomorrow"}, Session::Outcome::kFailed).second,
            "cannot parse \"tomorrow\" as a time (want RFC 3339, Unix seconds, now[-DUR] or "
            "latest[-DUR])\n");
}

TEST_F(SessionTest, LookbackChangesStaleness) {
  // `up` has a sample every hour: with a 2h lookback it is found between them.
  EXPECT_EQ(Run({".at 1700001800", "count(up)"}).first, "(no series)\n");
  EXPECT_EQ(Run({".lookback 2h", "count(up)"}).first, "value\n    1\n");
  EXPECT_EQ(Run({".lookback"}).first, "lookback delta 2h\n");
}

TEST_F(SessionTest, ParseErrorsShowACaret) {
  // Upstream reports an extra ')' at the position after it.
  auto [out, err] = Run({"rate(x[5m]))"}, Session::Outcome::kFailed);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err,
            "1:13: parse error: unexpected right parenthesis ')'\n"
            "  1 | rate(x[5m]))\n"
            "    |             ^\n");
  std::tie(out, err) = Run({"sum(rate(x[5m] by (a)"}, Session::Outcome::kFailed);
  EXPECT_EQ(err,
            "1:16: parse error: unexpected <by>\n"
            "  1 | sum(rate(x[5m] by (a)\n"
            "    |                ^~\n");
  std::tie(out, err) = Run({"sum(\n  rate(x[5m]) +\n)"}, Session::Outcome::kFailed);
  EXPECT_NE(err.find("3:1: parse error:"), std::string::npos) << err;
  EXPECT_NE(err.find("  3 | )\n    | ^\n"), std::string::npos) << err;
}

TEST_F(SessionTest, EvaluationErrorsAndWarnings) {
  auto [out, err] = Run({".at 1700000307.5", "http_requests_total + on() http_requests_total"},
                        Session::Outcome::kFailed);
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("error (execution): "), std::string::npos) << err;
}

TEST_F(SessionTest, RangeQueriesDrawAGraph) {
  auto [out, err] = Run({".range 1700000000 1700004485 1m", "sum(rate(http_requests_total[5m]))"});
  EXPECT_EQ(err, "");
  EXPECT_NE(out.find("└"), std::string::npos) << out;
  EXPECT_NE(out.find("⣿ {}"), std::string::npos) << out;
  // The same range as a table and as CSV: one row per point.
  auto [table, e2] = Run({".format table", "count(http_requests_total)"});
  EXPECT_EQ(table.substr(0, table.find('\n')), "time                  value");
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 1 + 75);  // header + 75 steps
  auto [csv, e3] = Run({".format csv", "count(http_requests_total)"});
  EXPECT_EQ(csv.substr(0, 31), "timestamp,value\r\n1700000000,2\r\n");
  EXPECT_EQ(Run({".range"}).first.substr(0, 47), "range queries from 1700000000 to 1700004485, st");
  // Back to instant queries.
  EXPECT_EQ(Run({".format auto", ".at 1700000307.5", "count(http_requests_total)"}).first,
            "value\n    2\n");
  EXPECT_EQ(Run({".range 1700004485 1700000000"}, Session::Outcome::kFailed).second,
            "usage: .range START END [STEP]: END is before START\n");
}

TEST_F(SessionTest, JsonIsTheApiBody) {
  auto [out, err] = Run({".format json", ".at 1700000307.5", "sum(http_requests_total)"});
  EXPECT_EQ(out,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
            "{},\"value\":[1700000307.500,\"108.25\"]}]}}\n");
  std::tie(out, err) = Run({"sum("}, Session::Outcome::kFailed);
  EXPECT_EQ(out,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter "
            "\\\"query\\\": 1:5: parse error: unclosed left parenthesis\"}\n");
  EXPECT_EQ(err, "");
}

TEST_F(SessionTest, ExplainCountsWhatSelectorsRead) {
  auto [out, err] = Run({".at 1700000307.5",
                         ".explain sum(rate(http_requests_total[1m])) / "
                         "count(up offset 1h)"});
  EXPECT_NE(out.find("sum(rate(http_requests_total[1m])) / count(up offset 1h)\n"),
            std::string::npos)
      << out;
  // Samples at 15 s steps (jittered): 4 per series in the minute before 307.5 s.
  EXPECT_NE(out.find("http_requests_total[1m]       2        8  "
                     "2023-11-14T22:17:27.501Z .. 2023-11-14T22:18:27.5Z\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("up offset 1h                  0        0  "), std::string::npos) << out;
  EXPECT_EQ(Run({".explain 1 + 2"}).first, "1 + 2\n\n(no selectors: nothing is read)\n");
  EXPECT_NE(Run({".explain rate(x[5m]"}, Session::Outcome::kFailed).second.find("^"),
            std::string::npos);
}

TEST_F(SessionTest, IndexCommands) {
  EXPECT_EQ(Run({".metrics"}).first, "http_requests_total\ntemperature\nup\n");
  EXPECT_EQ(Run({".metrics re"}).first, "http_requests_total\ntemperature\n");
  EXPECT_EQ(Run({".metrics ^up$"}).first, "up\n");
  EXPECT_EQ(Run({".labels"}).first, "__name__\ncode\ninstance\njob\nnote\npath\nroom\n");
  EXPECT_EQ(Run({".labels code"}).first, "200\n500\n");
  EXPECT_EQ(Run({".series {code=~\".+\"}"}).first,
            "http_requests_total{code=\"200\", path=\"/api/v1\"}\n"
            "http_requests_total{code=\"500\", path=\"/api/v1\"}\n");
  EXPECT_NE(Run({".series {code=~\".+\""}, Session::Outcome::kFailed).second.find("^"),
            std::string::npos);
  EXPECT_EQ(Run({".format json", ".labels code"}).first,
            "{\"status\":\"success\",\"data\":[\"200\",\"500\"]}\n");
}

TEST_F(SessionTest, CommandsAndQuit) {
  EXPECT_EQ(Run({".quit"}, Session::Outcome::kQuit).first, "");
  EXPECT_EQ(Run({".nope"}, Session::Outcome::kFailed).second,
            "unknown command .nope; .help lists the commands\n");
  const std::string help = Run({".help"}).first;
  for (const DotCommand& c : DotCommands()) {
    EXPECT_NE(help.find(std::string(c.name) + " "), std::string::npos) << c.name;
  }
  EXPECT_EQ(Run({".format yaml"}, Session::Outcome::kFailed).second,
            "unknown format \"yaml\" (want table, json, graph, csv or auto)\n");
}

TEST_F(SessionTest, CompletionFromTheIndex) {
  StatementCompletion c = session_->CompleteAt("http_req");
  EXPECT_EQ(c.candidates, Strings{"http_requests_total"});
  c = session_->CompleteAt("http_requests_total{code=\"5");
  EXPECT_EQ(c.candidates, Strings{"500\""});
  c = session_->CompleteAt("up{");
  EXPECT_EQ(c.candidates, (Strings{"__name__", "instance", "job"}));
  c = session_->CompleteAt("sum by (r");
  EXPECT_EQ(c.candidates, Strings{"room"});
}

// A live data directory (blocks, WAL, m-mapped head chunks): the head is read, the newest
// sample is the head's, and nothing in the directory changes.
TEST(LiveDirectory, ReadsTheHeadAndWritesNothing) {
  namespace fs = std::filesystem;
  const fs::path dir = "testdata/tsdb/wal_live";
  auto snapshot = [&dir] {
    std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      files[e.path().string()] = {e.is_regular_file() ? e.file_size() : 0, e.last_write_time()};
    }
    return files;
  };
  const auto before = snapshot();
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  {
    auto db = tsdb::DbReadOnly::Open(dir.string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Terminal term;
    term.out = out;
    term.err = out;
    InlineRunner runner;
    SessionOptions opts;
    opts.stats = false;
    Session session(NewDirBackend(std::move(*db), dir.string(), /*warm_up=*/true), opts, term,
                    &runner);
    EXPECT_EQ(session.Execute("scalar(timestamp(up))"), Session::Outcome::kOk);
    EXPECT_EQ(session.Execute(".at"), Session::Outcome::kOk);
  }
  std::fclose(out);
  // The newest sample, 1795305104.859, is in the WAL (the blocks end at 1795305080).
  EXPECT_EQ(std::string(buf, len),
            "1795305104.859\ninstant queries at latest (2026-11-21T23:51:44.859Z)\n");
  std::free(buf);
  EXPECT_EQ(snapshot(), before);
  EXPECT_FALSE(fs::exists(dir / "lock"));
}

}  // namespace
}  // namespace promkit::cli::repl
