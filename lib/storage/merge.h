#pragma once
// Merging (upstream storage/merge.go, ChainedSeriesMerge): several sorted SeriesSets become one
// sorted set; series with equal labels become one series whose samples are the union by
// timestamp, a timestamp present in several keeping the sample of the earliest set. Used for
// queries over several blocks and for several selectors at once.
// Thread-safety: the result is single-threaded, like its inputs.

#include <memory>
#include <vector>

#include "storage/interface.h"

namespace promkit::storage {

// REQUIRES: every input yields series in labels order.
std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets);

// Queries every querier and merges their results; Close closes them all.
std::unique_ptr<Querier> MergeQueriers(std::vector<std::unique_ptr<Querier>> queriers);

}  // namespace promkit::storage
