/* The monitor's entry point, called by hyp_main. */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdnoreturn.h>

noreturn void vmm_main(unsigned long hartid, unsigned long dtb);
noreturn void vmm_secondary(unsigned long hartid);

#endif
