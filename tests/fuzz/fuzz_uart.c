/* The emulated NS16550A (vmm/uart.c, chapter 7) under any sequence of guest
 * register accesses and host input.  Each 2-byte record is an operation: a
 * read or write of register 0..7 (offsets 8..15 too, which are no register),
 * host input through uart_receive, or host input waiting in rx_poll.
 *
 * Beside the model the harness keeps its own receive FIFO, built only from
 * what PC16550D says: bytes enter from the host or, in loopback, from THR;
 * a full FIFO loses the byte and sets LSR.OE; FCR bit 0 changing or bit 1
 * set clears it; RBR takes the oldest.  After every operation it checks:
 *   - the model's FIFO holds exactly the shadow's bytes, and at most 16;
 *   - RBR returns the shadow's oldest byte (0 when empty) and LSR.DR says
 *     whether one was there; LSR.THRE and TEMT are always 1;
 *   - IIR reads as one of the four identifications, with bits 7:6 = FCR0,
 *     and says "none" exactly when uart_irq_pending is false;
 *   - IER bits 7:4 and MCR bits 7:5 read 0; SCR and LCR read back;
 *   - THR outside loopback sends exactly the byte written, once.
 */
// sources: tangled/vmm/uart.c
#include <stdbool.h>
#include "vmm/uart.h"
#include "fuzz.h"

#define MAX_OPS 256

static struct uart16550 u;
static uint8_t shadow[UART_FIFO_SIZE];
static unsigned shadow_n;
static bool shadow_oe;
static int sent;                    /* the byte tx last got, or -1 */
static unsigned sent_count;
static uint8_t host[8];             /* input waiting for rx_poll */
static unsigned host_n;

static void shadow_push(uint8_t b)
{
    if (shadow_n == UART_FIFO_SIZE)
        shadow_oe = true;
    else
        shadow[shadow_n++] = b;
}

static int shadow_pop(void)
{
    if (shadow_n == 0)
        return -1;
    int b = shadow[0];
    memmove(shadow, shadow + 1, --shadow_n);
    return b;
}

static void tx(void *ctx, uint8_t byte)
{
    MUST(ctx == &u);
    sent = byte;
    sent_count++;
}

/* Host input: the model pulls it only while its FIFO has room. */
static int rx_poll(void *ctx)
{
    MUST(ctx == &u);
    if (host_n == 0)
        return -1;
    MUST(shadow_n < UART_FIFO_SIZE);
    uint8_t b = host[0];
    memmove(host, host + 1, --host_n);
    shadow_push(b);
    return b;
}

static void check_fifo(void)
{
    MUST(u.rx_count <= UART_FIFO_SIZE && u.rx_head < UART_FIFO_SIZE);
    MUST(u.rx_count == shadow_n);
    for (unsigned i = 0; i < shadow_n; i++)
        MUST(u.rx_fifo[(u.rx_head + i) % UART_FIFO_SIZE] == shadow[i]);
}

static void do_read(unsigned reg)
{
    bool dlab = u.lcr & 0x80;
    bool pending = uart_irq_pending(&u);
    uint8_t fcr = u.fcr, lcr = u.lcr, mcr = u.mcr, scr = u.scr;
    /* RBR and LSR pull host input first: rx_poll pushes it to the shadow too. */
    uint8_t val = uart_read(&u, reg);
    switch (reg) {
    case 0:
        if (dlab) {
            MUST(val == u.dll);
        } else {
            int want = shadow_pop();
            MUST(val == (want < 0 ? 0 : want));
        }
        break;
    case 1:
        MUST(dlab ? val == u.dlm : (val & 0xf0) == 0);
        break;
    case 2: {
        uint8_t id = val & 0x0f;
        MUST(id == 1 || id == 2 || id == 4 || id == 6);
        MUST((val & 0x30) == 0);
        MUST((val & 0xc0) == ((fcr & 1) ? 0xc0 : 0));
        MUST((id == 1) == !pending);
        break;
    }
    case 3: MUST(val == lcr); break;
    case 4: MUST(val == mcr && (val & 0xe0) == 0); break;
    case 5:
        MUST((val & 0x60) == 0x60);                     /* THRE, TEMT */
        MUST(!!(val & 0x01) == (shadow_n > 0));          /* DR */
        MUST(!!(val & 0x02) == shadow_oe);               /* OE, then cleared */
        MUST((val & 0x9c) == 0);
        shadow_oe = false;
        break;
    case 7: MUST(val == scr); break;
    default:
        if (reg > 7)
            MUST(val == 0);
    }
}

static void do_write(unsigned reg, uint8_t val)
{
    bool dlab = u.lcr & 0x80, loop = u.mcr & 0x10;
    unsigned count = sent_count;
    if (reg == 0 && !dlab && loop)
        shadow_push(val);
    if (reg == 2) {
        bool was_on = u.fcr & 1, on = val & 1;
        if (was_on != on || (on && (val & 2)))
            shadow_n = 0;
    }
    uart_write(&u, reg, val);
    if (reg == 0 && !dlab && !loop)
        MUST(sent_count == count + 1 && sent == val);
    else
        MUST(sent_count == count);
    if (reg == 0 && dlab)
        MUST(u.dll == val);
    if (reg == 3)
        MUST(u.lcr == val);
    if (reg == 7)
        MUST(u.scr == val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    uart_init(&u, tx, rx_poll, &u);
    shadow_n = host_n = sent_count = 0;
    shadow_oe = false;
    sent = -1;
    for (unsigned n = 0; n < MAX_OPS && take_left(&in); n++) {
        uint8_t op = take_u8(&in), val = take_u8(&in);
        unsigned reg = op & 15;
        switch (op >> 4 & 3) {
        case 0: do_read(reg); break;
        case 1: do_write(reg, val); break;
        case 2:
            shadow_push(val);
            uart_receive(&u, val);
            break;
        case 3:
            if (host_n < sizeof host)
                host[host_n++] = val;
            break;
        }
        check_fifo();
        MUST(shadow_oe == !!(u.lsr_errors & 0x02));
    }
    return 0;
}
