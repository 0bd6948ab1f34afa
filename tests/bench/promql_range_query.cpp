// Times PromQL range queries over a data directory with promkit's engine (the figure compared
// with the execTotalTime Prometheus reports for stats=all): 6 hours before END at a 15 s step,
// each query run 3 times, the best time printed.
// usage: promql_range_query DB END_UNIX_SECONDS QUERY...
#include <chrono>
#include <cstdio>
#include <iostream>

#include "promql/engine.h"
#include "tsdb/db_readonly.h"
using namespace promkit;
// The read-only DB as the engine's Queryable.
struct Q : storage::Queryable {
  tsdb::DbReadOnly* db;
  util::Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t a, int64_t b) override {
    return db->NewQuerier(a, b);
  }
};
int main(int argc, char** argv) {
  auto db = tsdb::DbReadOnly::Open(argv[1]);
  if (!db.ok()) {
    std::cerr << db.status().message() << "\n";
    return 1;
  }
  Q q;
  q.db = db->get();
  promql::Engine eng;
  int64_t end = std::stoll(argv[2]) * 1000, start = end - 6 * 3600 * 1000;
  for (int i = 3; i < argc; ++i) {
    double best = 1e9;
    size_t n = 0;
    std::string err;
    for (int rep = 0; rep < 3; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = eng.RangeQuery(q, argv[i], start, end, 15000);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, s);
      n = r.value.matrix.size();
      err = r.error;
    }
    printf("%.4f s  %zu series %s  %s\n", best, n, err.c_str(), argv[i]);
  }
}
