package org.testimonyintake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from /proc (Linux), in seconds: of one process, of this JVM, and of the whole machine, so a benchmark can
 * say how much of a noisy shared machine it had.
 */
record Cpu(double process, double self, double machineBusy) {
    /** Clock ticks per second of /proc figures; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    /** CPU seconds used between two readings. */
    record Used(double server, double client, double others) {
    }

    /** A reading, or null without a process id (or without /proc). */
    static Cpu now(String pid) {
        if (pid == null) {
            return null;
        }
        try {
            return new Cpu(processSeconds(pid, false), processSeconds("self", true), machineBusySeconds());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    Used since(Cpu before) {
        double server = process - before.process;
        double client = self - before.self;
        return new Used(server, client, Math.max(0, machineBusy - before.machineBusy - server - client));
    }

    /**
     * utime + stime (fields 14 and 15 of /proc/PID/stat, counted after the command name in parentheses), and with
     * {@code children} cutime + cstime: the processes it started and waited for.
     */
    private static double processSeconds(String pid, boolean children) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (children) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks / TICKS;
    }

    /** All CPU time but idle and iowait, over all cores: the first line of /proc/stat. */
    private static double machineBusySeconds() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < cpu.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(cpu[i]);
            }
        }
        return busy / TICKS;
    }
}
