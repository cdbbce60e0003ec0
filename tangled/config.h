/* Build-time limits shared by the C and assembly sources of RVH. */
#ifndef RVH_CONFIG_H
#define RVH_CONFIG_H

#define RVH_MAX_HARTS   8       /* hart ids 0 .. RVH_MAX_HARTS-1 */
#define RVH_STACK_SIZE  16384   /* bytes of stack per hart */
#define RVH_TLS_SIZE    256     /* bytes of picolibc thread-local storage per hart */

#endif
