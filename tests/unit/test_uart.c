/* Stage 7: the emulated NS16550A, register by register, with a fake host. */
// sources: tangled/vmm/uart.c
#include <limits.h>
#include "check.h"
#include "vmm/uart.h"

/* The fake host: what the guest transmits, and input waiting to be pulled. */
static uint8_t txbuf[64];
static unsigned txlen;
static const char *host_in;     /* bytes the host will offer, in order */
static unsigned host_pos, polls;
static int host_ctx;            /* its address is the ctx the UART passes back */
static int bad_ctx;

static void fake_tx(void *ctx, uint8_t byte)
{
    if (ctx != &host_ctx)
        bad_ctx++;
    if (txlen < sizeof txbuf)
        txbuf[txlen] = byte;
    txlen++;
}

static int fake_rx(void *ctx)
{
    if (ctx != &host_ctx)
        bad_ctx++;
    polls++;
    if (!host_in || host_in[host_pos] == '\0')
        return -1;
    return (uint8_t)host_in[host_pos++];
}

static struct uart16550 u;

static void reset(const char *input)
{
    txlen = 0;
    host_in = input;
    host_pos = polls = 0;
    uart_init(&u, fake_tx, fake_rx, &host_ctx);
}

static uint8_t rd(unsigned off) { return uart_read(&u, off); }
static void wr(unsigned off, uint8_t v) { uart_write(&u, off, v); }

static void test_reset_values(void)
{
    reset(0);
    CHECK(rd(1) == 0x00, "IER resets to 0");
    CHECK(rd(2) == 0x01, "IIR resets to 0x01 (nothing pending, FIFOs off)");
    CHECK(rd(3) == 0x00 && rd(4) == 0x00 && rd(7) == 0x00, "LCR, MCR, SCR reset to 0");
    CHECK(rd(5) == 0x60, "LSR resets to 0x60 (THRE, TEMT)");
    CHECK(rd(6) == 0xB0, "MSR reports CTS, DSR, DCD: 0xB0");
    CHECK(rd(0) == 0x00, "RBR of an empty FIFO reads 0");
    CHECK(!uart_irq_pending(&u), "no interrupt after reset");
    CHECK(txlen == 0, "reset transmits nothing");
}

static void test_transmit(void)
{
    reset(0);
    wr(0, 'h');
    wr(0, 'i');
    wr(0, 0x00);
    wr(0, 0xFF);
    CHECK(txlen == 4 && txbuf[0] == 'h' && txbuf[1] == 'i' && txbuf[2] == 0 && txbuf[3] == 0xFF,
          "THR writes reach tx in order, every byte value");
    CHECK(rd(5) == 0x60, "LSR stays 0x60 after transmitting (never busy)");
    CHECK(bad_ctx == 0, "the host functions get their ctx");
}

static void test_plain_registers(void)
{
    reset(0);
    static const uint8_t vals[] = { 0xFF, 0x00, 0x5A, 0x7F };
    int ok = 1;
    for (unsigned i = 0; i < sizeof vals; i++) {
        wr(7, vals[i]);
        ok &= rd(7) == vals[i];
        wr(3, vals[i]);
        ok &= rd(3) == vals[i];
        wr(3, 0);
    }
    CHECK(ok, "SCR and LCR store any value");
    wr(4, 0xFF);
    CHECK(rd(4) == 0x1F, "MCR keeps bits 0..4: 0xFF reads 0x1F");
    wr(4, 0x0B);
    CHECK(rd(4) == 0x0B, "MCR 0x0B (DTR, RTS, OUT2) reads back");
    wr(1, 0xFF);
    CHECK(rd(1) == 0x0F, "IER keeps bits 0..3: 0xFF reads 0x0F");
    wr(1, 0x00);
    wr(5, 0x00);
    wr(6, 0x00);
    CHECK(rd(5) == 0x60 && rd(6) == 0xB0, "LSR and MSR ignore writes");
    wr(5, 0xFF);
    CHECK(rd(5) == 0x60, "writing 0xFF to LSR sets neither DR nor OE");
    CHECK(txlen == 0, "no register write but THR transmits");
}

static void test_dlab(void)
{
    reset(0);
    uart_receive(&u, 'Q');
    wr(1, 0x05);
    wr(3, 0x83);                        /* DLAB, 8N1 */
    wr(0, 0x0C);
    wr(1, 0x01);
    CHECK(rd(0) == 0x0C && rd(1) == 0x01, "DLAB: offsets 0, 1 are DLL 0x0C, DLM 0x01");
    CHECK(txlen == 0, "DLAB: writing offset 0 transmits nothing");
    CHECK(rd(5) == 0x61, "DLAB: reading offset 0 took nothing from the FIFO");
    CHECK(rd(2) == 0x04, "DLAB does not change offset 2 (IIR)");
    CHECK(rd(3) == 0x83, "LCR reads back with DLAB");
    wr(3, 0x03);
    CHECK(rd(1) == 0x05, "DLAB off: offset 1 is IER again, unchanged by the DLM write");
    CHECK(rd(0) == 'Q', "DLAB off: offset 0 is RBR again");
    wr(0, 'x');
    CHECK(txlen == 1 && txbuf[0] == 'x', "DLAB off: offset 0 is THR again");
    wr(3, 0x80);
    CHECK(rd(0) == 0x0C && rd(1) == 0x01, "the divisor is kept across DLAB switches");
    wr(0, 0xAB);
    wr(1, 0xCD);
    CHECK(rd(0) == 0xAB && rd(1) == 0xCD, "the divisor takes any byte values");
}

static void test_fifo(void)
{
    reset(0);
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        uart_receive(&u, (uint8_t)(0x40 + i));
    CHECK(rd(5) == 0x61, "16 bytes: DR, no overrun");
    uart_receive(&u, 0x99);
    CHECK(rd(5) == 0x63, "the 17th byte: OE and DR");
    CHECK(rd(5) == 0x61, "reading LSR cleared OE");
    int ok = 1;
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        ok &= rd(0) == 0x40 + i;
    CHECK(ok, "the 16 bytes come out in order; the 17th was dropped");
    CHECK(rd(5) == 0x60 && rd(0) == 0x00, "empty again: no DR, RBR reads 0");

    /* Wrap around the ring: 10 in, 6 out, 12 in: 16 in the FIFO. */
    for (int i = 0; i < 10; i++)
        uart_receive(&u, (uint8_t)i);
    for (int i = 0; i < 6; i++)
        (void)rd(0);
    for (int i = 10; i < 22; i++)
        uart_receive(&u, (uint8_t)i);
    CHECK(rd(5) == 0x61, "16 bytes across the end of the ring, no overrun");
    uart_receive(&u, 0xEE);
    CHECK(rd(5) == 0x63, "one more overruns");
    ok = 1;
    for (int i = 6; i < 22; i++)
        ok &= rd(0) == i;
    CHECK(ok, "bytes 6..21 come out in order across the wrap");
    CHECK(rd(5) == 0x60, "and the FIFO is empty");
}

static void test_host_input(void)
{
    reset("abc");
    CHECK(rd(5) == 0x61, "reading LSR pulls host input: DR");
    CHECK(host_pos == 3 && polls == 4, "three bytes pulled, then one poll that found none");
    CHECK(rd(0) == 'a' && rd(0) == 'b' && rd(0) == 'c', "the pulled bytes, in order");
    CHECK(rd(5) == 0x60, "nothing more from the host");

    reset("xy");
    CHECK(rd(0) == 'x', "reading RBR pulls before it pops");
    CHECK(rd(0) == 'y' && rd(0) == 0, "then the next byte, then 0");

    reset("hello");
    (void)rd(1); (void)rd(2); (void)rd(3); (void)rd(4); (void)rd(6); (void)rd(7);
    CHECK(polls == 0 && host_pos == 0, "IER, IIR, LCR, MCR, MSR, SCR reads do not pull");
    wr(1, 0x01);
    CHECK(!uart_irq_pending(&u), "input still in the host raises no interrupt");

    reset("0123456789ABCDEFGHIJ");      /* 20 bytes */
    CHECK(rd(5) == 0x61, "LSR with 20 bytes waiting: DR");
    CHECK(host_pos == 16, "only 16 pulled: the FIFO's free space");
    CHECK(rd(5) == 0x61, "no overrun from pulling");
    char got[21] = { 0 };
    for (int i = 0; i < 20; i++)
        got[i] = (char)rd(0);
    CHECK_STR(got, "0123456789ABCDEFGHIJ", "20 RBR reads give all 20 bytes in order");
    CHECK(rd(5) == 0x60, "LSR: empty, no overrun");

    /* No host functions at all. */
    uart_init(&u, 0, 0, 0);
    wr(0, 'z');
    CHECK(rd(5) == 0x60 && rd(0) == 0, "null tx and rx_poll: writes dropped, no input");
}

static void test_iir_priorities(void)
{
    reset(0);
    wr(1, 0x02);                        /* ETBEI rising edge */
    CHECK(rd(2) == 0x02 && uart_irq_pending(&u) == false, "THRE reported, then acknowledged");
    CHECK(rd(2) == 0x01, "IIR 0x01 after the acknowledgement");
    wr(1, 0x07);                        /* ETBEI already set: no new edge */
    CHECK(rd(2) == 0x01, "rewriting IER with ETBEI set does not re-arm THRE");
    wr(0, 'a');
    CHECK(uart_irq_pending(&u), "writing THR: THR empty again at once, pending");
    uart_receive(&u, 'r');
    CHECK(rd(2) == 0x04, "received data (0x04) beats THR empty (0x02)");
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        uart_receive(&u, 'o');
    CHECK(rd(2) == 0x06, "overrun: line status (0x06) beats received data");
    CHECK(rd(2) == 0x06, "reading IIR does not reset line status");
    CHECK(rd(5) == 0x63, "LSR shows OE and DR");
    CHECK(rd(2) == 0x04, "after reading LSR: received data again");
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        (void)rd(0);
    CHECK(rd(2) == 0x02, "FIFO drained: THR empty, never acknowledged, shows now");
    CHECK(rd(2) == 0x01, "and is acknowledged by that read");
    CHECK(!uart_irq_pending(&u), "nothing pending");
}

static void test_thre(void)
{
    reset(0);
    wr(0, 'a');
    CHECK(!uart_irq_pending(&u) && rd(2) == 0x01, "ETBEI off: THR empty raises nothing");
    wr(1, 0x02);
    CHECK(uart_irq_pending(&u), "enabling ETBEI with THR empty: pending at once");
    CHECK(rd(2) == 0x02, "IIR reports it");
    CHECK(!uart_irq_pending(&u), "acknowledged by that read: line low");
    wr(0, 'b');
    CHECK(uart_irq_pending(&u), "a THR write: pending again (transmitted at once)");
    wr(1, 0x00);
    CHECK(!uart_irq_pending(&u) && rd(2) == 0x01, "ETBEI off masks it");
    wr(1, 0x02);
    CHECK(rd(2) == 0x02, "Linux's probe: ETBEI on, IIR says THRE");
    wr(1, 0x00);
    wr(1, 0x02);
    CHECK(rd(2) == 0x02, "ETBEI off and on again: THRE again");
    wr(1, 0x02);
    CHECK(rd(2) == 0x01, "ETBEI written again while set: nothing new");
    wr(1, 0x03);
    CHECK(rd(2) == 0x01, "adding ERBFI does not re-arm THRE");
    wr(3, 0x80);
    wr(0, 0x01);
    wr(3, 0x00);
    CHECK(rd(2) == 0x01, "a DLL write is not a THR write");
}

static void test_fcr(void)
{
    reset(0);
    wr(2, 0x01);
    CHECK(rd(2) == 0xC1, "FIFOs on: IIR bits 7:6 read 11");
    for (int i = 0; i < 5; i++)
        uart_receive(&u, 'f');
    wr(2, 0xC1);
    CHECK(rd(5) == 0x61, "rewriting FCR0 = 1 with a trigger level keeps the FIFO");
    CHECK(rd(2) == 0xC1, "the trigger level does not show in IIR");
    wr(2, 0x03);
    CHECK(rd(5) == 0x60, "FCR bit 1 clears the receive FIFO");
    CHECK(rd(2) == 0xC1, "and clears itself: FIFOs stay on");
    uart_receive(&u, 'g');
    wr(2, 0x05);
    CHECK(rd(5) == 0x61, "FCR bit 2 (transmit reset) leaves the receive FIFO");
    wr(2, 0x00);
    CHECK(rd(5) == 0x60, "turning FIFOs off clears the receive FIFO");
    CHECK(rd(2) == 0x01, "FIFOs off: IIR bits 7:6 read 00");
    uart_receive(&u, 'h');
    wr(2, 0x02);
    CHECK(rd(5) == 0x61, "bit 1 without bit 0 is not programmed: FIFO kept");
    CHECK(rd(0) == 'h', "and the byte is intact");
    wr(2, 0x01);
    for (int i = 0; i < 3; i++)
        uart_receive(&u, 'i');
    wr(2, 0x01);
    CHECK(rd(5) == 0x61, "FCR0 written as 1 again (no change) keeps the FIFO");
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        uart_receive(&u, 'j');
    wr(2, 0x07);
    CHECK(rd(5) == 0x62, "clearing the FIFO keeps a pending OE");
    CHECK(rd(5) == 0x60, "until LSR is read");
}

static void test_loopback(void)
{
    static const struct { uint8_t mcr, msr; } map[] = {
        { 0x10, 0x00 }, { 0x11, 0x20 }, { 0x12, 0x10 }, { 0x14, 0x40 },
        { 0x18, 0x80 }, { 0x1A, 0x90 }, { 0x1F, 0xF0 },
    };
    reset("host");
    int ok = 1;
    for (unsigned i = 0; i < sizeof map / sizeof *map; i++) {
        wr(4, map[i].mcr);
        ok &= rd(6) == map[i].msr;
    }
    CHECK(ok, "loopback MSR: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD, no delta bits");
    wr(4, 0x1A);
    wr(0, 'Z');
    CHECK(txlen == 0, "loopback: THR does not reach the host");
    CHECK(rd(5) == 0x61, "loopback: the byte is in the receive FIFO");
    CHECK(host_pos == 0, "loopback: host input is not pulled");
    CHECK(rd(0) == 'Z' && rd(0) == 0x00, "RBR returns the looped byte, then nothing");
    for (int i = 0; i < UART_FIFO_SIZE + 1; i++)
        wr(0, (uint8_t)i);
    CHECK(rd(5) == 0x63, "17 looped bytes overrun the FIFO");
    wr(2, 0x03);
    wr(1, 0x01);
    wr(0, 'L');
    CHECK(uart_irq_pending(&u) && rd(2) == 0xC4, "a looped byte raises received data");
    (void)rd(0);
    wr(4, 0x0B);
    CHECK(rd(6) == 0xB0, "out of loopback: MSR 0xB0 again");
    wr(0, 'T');
    CHECK(txlen == 1 && txbuf[0] == 'T', "out of loopback: THR reaches the host");
    char got[5] = { 0 };
    for (int i = 0; i < 4; i++)
        got[i] = (char)rd(0);
    CHECK_STR(got, "host", "out of loopback: the host's input arrives, all of it");
}

static void test_irq_sources(void)
{
    reset(0);
    for (int i = 0; i < UART_FIFO_SIZE + 1; i++)
        uart_receive(&u, 'q');
    wr(0, 'w');                         /* THR empty, and the OE and data above */
    CHECK(!uart_irq_pending(&u), "IER 0: no interrupt whatever the state");
    wr(1, 0x08);
    CHECK(!uart_irq_pending(&u) && rd(2) == 0x01, "EDSSI alone: modem status never raised");
    wr(1, 0x04);
    CHECK(uart_irq_pending(&u) && rd(2) == 0x06, "ELSI alone: line status");
    (void)rd(5);
    CHECK(!uart_irq_pending(&u), "reading LSR lowers it");
    wr(1, 0x01);
    CHECK(uart_irq_pending(&u) && rd(2) == 0x04, "ERBFI alone: received data");
    for (int i = 0; i < UART_FIFO_SIZE - 1; i++)
        (void)rd(0);
    CHECK(uart_irq_pending(&u), "one byte left: still pending");
    (void)rd(0);
    CHECK(!uart_irq_pending(&u), "FIFO empty: line low");
    wr(1, 0x02);
    CHECK(uart_irq_pending(&u) && rd(2) == 0x02, "ETBEI alone: THR empty");
    CHECK(!uart_irq_pending(&u), "acknowledged: line low");
    wr(4, 0x00);
    uart_receive(&u, 'n');
    wr(1, 0x01);
    CHECK(uart_irq_pending(&u), "MCR.OUT2 clear: the line is not gated (as QEMU)");
    wr(4, 0x08);
    CHECK(uart_irq_pending(&u), "MCR.OUT2 set: the same");
}

static void test_hostile_offsets(void)
{
    reset("in");
    wr(1, 0x05);
    wr(3, 0x03);
    wr(4, 0x0B);
    wr(7, 0x42);
    uart_receive(&u, 'k');
    static const unsigned offs[] = { 8, 9, 15, 16, 255, 256, 0x1000, UINT_MAX };
    int reads_zero = 1;
    for (unsigned i = 0; i < sizeof offs / sizeof *offs; i++) {
        reads_zero &= rd(offs[i]) == 0;
        wr(offs[i], 0xFF);
        wr(offs[i], 0x80);
    }
    CHECK(reads_zero, "offsets >= 8 read 0");
    CHECK(txlen == 0 && polls == 0, "offsets >= 8: nothing transmitted, no input pulled");
    CHECK(rd(1) == 0x05 && rd(3) == 0x03 && rd(4) == 0x0B && rd(7) == 0x42,
          "offsets >= 8: IER, LCR, MCR, SCR unchanged");
    CHECK(rd(0) == 'k', "offsets >= 8: the FIFO unchanged");
}

int main(void)
{
    test_reset_values();
    test_transmit();
    test_plain_registers();
    test_dlab();
    test_fifo();
    test_host_input();
    test_iir_priorities();
    test_thre();
    test_fcr();
    test_loopback();
    test_irq_sources();
    test_hostile_offsets();
    return check_done();
}
