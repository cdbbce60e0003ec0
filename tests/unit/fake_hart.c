/* fake_hart.c: fakes of the hart-touching functions of the vCPU library and
   of the host console, so that exit handling runs on the build machine. */
#include <errno.h>
#include <string.h>
#include "arch/csr.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"
#include "fake_hart.h"

uint8_t fake_ram[FAKE_RAM_SIZE];
int fake_virtual_ok = 1;
char console[4096];
unsigned console_len;
const char *console_input = "";

void console_putc(int c)
{
    if (console_len < sizeof console - 1)
        console[console_len++] = (char)c;
}

int console_getc(void)
{
    return *console_input ? (unsigned char)*console_input++ : -1;
}

long sbi_get_base(unsigned long fid)
{
    return (long)(0x1000 + fid);            /* the "firmware's" answer */
}

static uint8_t *ram_at(unsigned long addr, size_t len)
{
    static uint8_t nothing;
    if (len == 0)               /* the real accessors touch no byte: no fault */
        return &nothing;
    if (addr < FAKE_RAM_GPA || addr - FAKE_RAM_GPA > FAKE_RAM_SIZE ||
        len > FAKE_RAM_SIZE - (addr - FAKE_RAM_GPA))
        return NULL;
    return fake_ram + (addr - FAKE_RAM_GPA);
}

int vcpu_read_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                    void *dst, size_t len)
{
    (void)vcpu;
    uint8_t *p = ram_at(addr, len);
    if (!p || (space == GUEST_VIRTUAL && !fake_virtual_ok))
        return -EFAULT;
    memcpy(dst, p, len);
    return 0;
}

int vcpu_write_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                     const void *src, size_t len)
{
    (void)vcpu;
    uint8_t *p = ram_at(addr, len);
    if (!p || (space == GUEST_VIRTUAL && !fake_virtual_ok))
        return -EFAULT;
    memcpy(p, src, len);
    return 0;
}

int vcpu_guest_executable(struct vcpu *vcpu, unsigned long gpa)
{
    (void)vcpu;
    return ram_at(gpa, 2) ? 0 : -EFAULT;
}

int vcpu_inject_interrupt(struct vcpu *vcpu, unsigned irq)
{
    vcpu->regs.vs.hvip |= 1UL << irq;
    return 0;
}

int vcpu_clear_interrupt(struct vcpu *vcpu, unsigned irq)
{
    vcpu->regs.vs.hvip &= ~(1UL << irq);
    return 0;
}

bool vcpu_irq_is_pending(const struct vcpu *vcpu, unsigned irq)
{
    return vcpu->regs.vs.hvip >> irq & 1;
}

void vcpu_reset_vs_state(struct vcpu *vcpu)
{
    vcpu->regs.vs.vsatp = 0;
    vcpu->regs.vs.vsstatus &= ~SSTATUS_SIE;
}

/* The hart's timer: the last deadline programmed, and a clock the test sets. */
uint64_t fake_time, fake_guest_timer = UINT64_MAX;

uint64_t timer_now(void)
{
    return fake_time;
}

void timer_set_guest(uint64_t deadline)
{
    fake_guest_timer = deadline;
}

void vcpu_timer_to_hart(struct vcpu *vcpu)
{
    fake_guest_timer = vcpu->sstc ? UINT64_MAX : host_deadline(vcpu);
}

/* Instructions at FAKE_RAM_GPA, for the decoder's memory path. */
uint16_t fake_code[8];
unsigned long fake_injected, fake_injected_tval;
unsigned long fake_fetch_fault = EXC_LOAD_PAGE_FAULT;

/* 0, or the fault's cause negated, as the guarded hlvx.hu returns. */
int vcpu_fetch_guest(struct vcpu *vcpu, unsigned long gva, uint16_t *halfword)
{
    (void)vcpu;
    if (gva < FAKE_RAM_GPA || gva >= FAKE_RAM_GPA + sizeof fake_code)
        return -(int)fake_fetch_fault;
    *halfword = fake_code[(gva - FAKE_RAM_GPA) / 2];
    return 0;
}

int vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause, unsigned long tval)
{
    (void)vcpu;
    fake_injected = cause;
    fake_injected_tval = tval;
    return 0;
}

uint64_t timer_own_deadline(void)
{
    return UINT64_MAX;                  /* the monitor has no deadline in these tests */
}

/* With one VM, a guest's console is the host console (chapter 11). */
void console_guest_putc(unsigned vm, int c)
{
    (void)vm;
    console_putc(c);
}

int console_guest_getc(unsigned vm)
{
    (void)vm;
    return console_getc();
}
