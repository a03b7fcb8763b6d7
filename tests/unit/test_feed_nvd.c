#include "config.h"
#include "test.h"
