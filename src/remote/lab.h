/* The practice lab (to be written). */
#ifndef MCERT_LAB_H
#define MCERT_LAB_H
#endif
