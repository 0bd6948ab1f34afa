#pragma once
// #include "c/z.h" inside a comment line is not an include
#include "b/x.h"
#  include "b/inner/w.h"
