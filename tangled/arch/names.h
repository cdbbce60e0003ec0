/* Human-readable names for trap causes, SBI implementations and errors. */
#ifndef ARCH_NAMES_H
#define ARCH_NAMES_H

const char *scause_name(unsigned long scause);
const char *sbi_impl_name(long impl_id);
const char *sbi_error_name(long error);

#endif
