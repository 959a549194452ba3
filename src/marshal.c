#include "config.h"
#include "marshal.h"
