/* The program's version, shown by --version and GET /api/v1/health. */
#ifndef SCHWANN_VERSION_H
#define SCHWANN_VERSION_H
#define SCHWANN_VERSION "0.1.0"
#endif
