# A plain tool (not Google Benchmark): times range queries over a data directory.
add_executable(promql_range_query ${CMAKE_CURRENT_SOURCE_DIR}/promql_range_query.cpp)
target_link_libraries(promql_range_query PRIVATE promkit::promql promkit::tsdb)
