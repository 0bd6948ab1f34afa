#pragma once
#include "d/d.h"
