/* Importing what a CA returned into a workspace (to be written). */
#ifndef MCERT_IMPORT_H
#define MCERT_IMPORT_H
#endif
