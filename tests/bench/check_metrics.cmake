promkit_bench(check_metrics
  SOURCES check_metrics_bench.cpp
  LIBS promkit::textparse fmt::fmt)
