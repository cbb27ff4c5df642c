#ifndef TENANTRY_CLIBPQ_SHIM_H
#define TENANTRY_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#endif
