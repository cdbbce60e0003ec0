/* lab_stub: what an exercise of an RVH Book lab does until it is written.
   Included in every file of a lab's starter tree (-include); never in the book. */
#ifndef LAB_STUB_H
#define LAB_STUB_H
#ifndef __ASSEMBLER__
_Noreturn void lab_stub(const char *what);
#endif
#endif
