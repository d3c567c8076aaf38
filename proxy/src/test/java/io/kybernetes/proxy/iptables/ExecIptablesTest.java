package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.kybernetes.proxy.exec.HostCommand;

/** {@code --iptables-backend} values and the commands each backend runs. */
class ExecIptablesTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(value = {
        "''       | iptables-save        | iptables-restore",
        "nft      | iptables-nft-save    | iptables-nft-restore",
        "legacy   | iptables-legacy-save | iptables-legacy-restore",
        "' LEGACY'| iptables-legacy-save | iptables-legacy-restore",
    }, delimiter = '|')
    void backendsRunTheirOwnBinaries(String flag, String save, String restore) {
        ExecIptables exec = new ExecIptables(new HostCommand(List.of()), ExecIptables.Backend.parse(flag));
        assertEquals(List.of(save), exec.saveCommand());
        assertEquals(List.of(restore, "--noflush", "--wait", "5"), exec.restoreCommand());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nftables", "xtables", "iptables-legacy"})
    void unknownBackendsAreRefusedWithTheChoices(String flag) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecIptables.Backend.parse(flag));
        assertTrue(e.getMessage().contains("unsupported --iptables-backend \"" + flag + "\"")
                && e.getMessage().contains("nft, legacy"), e.getMessage());
    }
}
