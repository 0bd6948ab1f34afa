// Fixture for tests/lint/module_graph_test.cpp: line numbers matter.
#include "a/a.h"

#include "b/y.h"
#include "d/d.h"
#include "c/z.h"
#include "parser.h"
#include <c/system.h>
