#pragma once
#include "b/inner/v.h"
#include "b/y.h"
