/* The NS16550A model: every rule cites the PC16550D register descriptions. */
#include <string.h>
#include "vmm/uart.h"

#define IER_ERBFI    0x01   /* Interrupt Enable Register: received data */
#define IER_ETBEI    0x02   /*   THR empty */
#define IER_ELSI     0x04   /*   receiver line status */
#define IER_MASK     0x0f   /*   bits 7:4 are always 0 */
#define IIR_NONE     0x01   /* Interrupt Identification Register: nothing pending */
#define IIR_THRE     0x02
#define IIR_RDA      0x04
#define IIR_RLS      0x06
#define IIR_FIFOS    0xc0   /*   bits 7:6 when FCR0 = 1 */
#define FCR_ENABLE   0x01   /* FIFO Control Register: FIFOs on */
#define FCR_RX_RESET 0x02   /*   clear the receive FIFO (self-clearing) */
#define FCR_KEPT     0xc9   /*   enable, DMA mode, trigger level */
#define LCR_DLAB     0x80   /* Line Control Register: divisor latch access */
#define MCR_DTR      0x01   /* Modem Control Register */
#define MCR_RTS      0x02
#define MCR_OUT1     0x04
#define MCR_OUT2     0x08
#define MCR_LOOP     0x10
#define MCR_MASK     0x1f   /*   bits 7:5 are always 0 */
#define LSR_DR       0x01   /* Line Status Register: data ready */
#define LSR_OE       0x02   /*   overrun error */
#define LSR_THRE     0x20   /*   THR empty */
#define LSR_TEMT     0x40   /*   transmitter empty */
#define MSR_CTS      0x10   /* Modem Status Register: clear to send */
#define MSR_DSR      0x20   /*   data set ready */
#define MSR_RI       0x40   /*   ring indicator */
#define MSR_DCD      0x80   /*   data carrier detect */
void uart_init(struct uart16550 *u, void (*tx)(void *, uint8_t), int (*rx_poll)(void *),
               void *ctx)
{
    memset(u, 0, sizeof *u);
    u->tx = tx;
    u->rx_poll = rx_poll;
    u->ctx = ctx;
}
static void fifo_push(struct uart16550 *u, uint8_t byte)
{
    if (u->rx_count == UART_FIFO_SIZE) {
        u->lsr_errors |= LSR_OE;
        return;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint8_t fifo_pop(struct uart16550 *u)
{
    if (u->rx_count == 0)
        return 0;
    uint8_t byte = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return byte;
}
void uart_receive(struct uart16550 *u, uint8_t byte)
{
    fifo_push(u, byte);
}
static void pull_host_input(struct uart16550 *u)
{
    if (!u->rx_poll || (u->mcr & MCR_LOOP))
        return;
    while (u->rx_count < UART_FIFO_SIZE) {
        int c = u->rx_poll(u->ctx);
        if (c < 0)
            break;
        fifo_push(u, (uint8_t)c);
    }
}
static uint8_t interrupt_id(const struct uart16550 *u)
{
    if ((u->ier & IER_ELSI) && (u->lsr_errors & LSR_OE))
        return IIR_RLS;
    if ((u->ier & IER_ERBFI) && u->rx_count > 0)
        return IIR_RDA;
    if ((u->ier & IER_ETBEI) && u->thre_pending)
        return IIR_THRE;
    return IIR_NONE;
}
bool uart_irq_pending(const struct uart16550 *u)
{
    return interrupt_id(u) != IIR_NONE;
}
static uint8_t read_iir(struct uart16550 *u)
{
    uint8_t id = interrupt_id(u);
    if (id == IIR_THRE)
        u->thre_pending = false;
    return id | ((u->fcr & FCR_ENABLE) ? IIR_FIFOS : 0);
}
static uint8_t read_rbr(struct uart16550 *u)
{
    pull_host_input(u);
    return fifo_pop(u);
}
static uint8_t read_lsr(struct uart16550 *u)
{
    pull_host_input(u);
    uint8_t lsr = LSR_THRE | LSR_TEMT | u->lsr_errors | (u->rx_count ? LSR_DR : 0);
    u->lsr_errors = 0;
    return lsr;
}
static uint8_t read_msr(const struct uart16550 *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_CTS | MSR_DSR | MSR_DCD;
    uint8_t msr = 0;
    if (u->mcr & MCR_DTR)  msr |= MSR_DSR;
    if (u->mcr & MCR_RTS)  msr |= MSR_CTS;
    if (u->mcr & MCR_OUT1) msr |= MSR_RI;
    if (u->mcr & MCR_OUT2) msr |= MSR_DCD;
    return msr;
}
static void write_ier(struct uart16550 *u, uint8_t value)
{
    uint8_t rising = (uint8_t)(value & ~u->ier);
    u->ier = value & IER_MASK;
    if (rising & IER_ETBEI)
        u->thre_pending = true;
}
static void write_thr(struct uart16550 *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP)
        fifo_push(u, byte);                 /* transmitter wired to receiver */
    else if (u->tx)
        u->tx(u->ctx, byte);
    u->thre_pending = true;                 /* reset by the write, set as THR empties */
}
static void write_fcr(struct uart16550 *u, uint8_t value)
{
    bool was_on = u->fcr & FCR_ENABLE, on = value & FCR_ENABLE;
    if (was_on != on || (on && (value & FCR_RX_RESET))) {
        u->rx_head = 0;
        u->rx_count = 0;
    }
    u->fcr = on ? (uint8_t)(value & FCR_KEPT) : 0;
}
uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case UART_RBR: return dlab ? u->dll : read_rbr(u);
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR: return read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return read_lsr(u);
    case UART_MSR: return read_msr(u);
    case UART_SCR: return u->scr;
    default:       return 0;        /* not a register */
    }
}
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case UART_THR: if (dlab) u->dll = value; else write_thr(u, value); break;
    case UART_IER: if (dlab) u->dlm = value; else write_ier(u, value); break;
    case UART_FCR: write_fcr(u, value); break;
    case UART_LCR: u->lcr = value; break;
    case UART_MCR: u->mcr = value & MCR_MASK; break;
    case UART_SCR: u->scr = value; break;
    default:       break;           /* LSR, MSR, or not a register */
    }
}
