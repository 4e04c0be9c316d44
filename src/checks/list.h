/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: every check, in the order the checks run.  No include guard:
 * this file is read with the two macros below defined (registry.h,
 * registry.c), once for each table they make.
 *
 * VS_CHECK_FAMILY (NAME, stage, begin, end) is a family of checks: the
 * stage the watchdog reports while it runs, and the functions that make
 * and free what its checks share (ctx->family; either may be NULL).
 * The capped findings of a family are counted out (vs_cc_flush) when it
 * ends.
 *
 * VS_CHECK (NAME, id, FAMILY, SCOPE, run, category, description) is one
 * check id: the check_id of its findings and check_runs rows, the family
 * it runs in, where it runs (VS_SCOPE_OS: each Linux operating system;
 * VS_SCOPE_OS_FS: each one and then once for the filesystems no
 * operating system mounts; VS_SCOPE_IMAGE: once for the whole image,
 * even with --no-checks), the function that runs it, the category of
 * its findings and what it looks for, in one line.  Checks found in one
 * pass share the function, and are listed one after the other; the
 * function runs once for them all.  A NULL function is a check_runs row
 * that stands for a group of checks (why they did not run), not a check
 * of its own.  The order is that of the check_runs rows.
 */

#ifndef VS_CHECK_FAMILY
#define VS_CHECK_FAMILY(NAME, stage, begin, end)
#endif
#ifndef VS_CHECK
#define VS_CHECK(NAME, id, FAMILY, SCOPE, run, category, description)
#endif

VS_CHECK_FAMILY (GROUPS, NULL, NULL, NULL)
VS_CHECK (OS, "os", GROUPS, VS_SCOPE_OS, NULL, "os",
          "(a row, not a check) every check of an operating system, "
          "skipped when it is not Linux")

VS_CHECK_FAMILY (PKGDB, "read the package database", NULL, NULL)
VS_CHECK (PACKAGE, "package", PKGDB, VS_SCOPE_OS, vs_pkgdb_read, "package",
          "read the package database (dpkg, rpm) that tells stock "
          "files; skipped when there is none")

VS_CHECK_FAMILY (PACKAGES, "check packages", NULL, NULL)
VS_CHECK (PACKAGE_MODIFIED, "package.modified", PACKAGES, VS_SCOPE_OS,
          vs_packages_files, "package",
          "packaged files whose content differs from the package's digest")
VS_CHECK (PACKAGE_CONFFILE_MODIFIED, "package.conffile-modified", PACKAGES,
          VS_SCOPE_OS, vs_packages_files, "package",
          "configuration files changed since their package installed them")
VS_CHECK (PACKAGE_MISSING, "package.missing", PACKAGES, VS_SCOPE_OS,
          vs_packages_files, "package",
          "files a package installed that are gone")
VS_CHECK (PACKAGE_UNOWNED, "package.unowned", PACKAGES, VS_SCOPE_OS,
          vs_packages_files, "package",
          "programs and libraries in system directories no package owns")

VS_CHECK_FAMILY (PERSISTENCE, "check persistence", vs_persist_begin,
                 vs_persist_end)
VS_CHECK (PERSISTENCE_CRON, "persistence.cron", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_cron, "persistence",
          "cron jobs: crontab, cron.d, anacrontab, user crontabs and the "
          "cron.daily-style folders")
VS_CHECK (PERSISTENCE_AT, "persistence.at", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_at, "persistence", "queued at jobs")
VS_CHECK (PERSISTENCE_SYSTEMD, "persistence.systemd", PERSISTENCE,
          VS_SCOPE_OS, vs_persist_systemd, "persistence",
          "enabled systemd units and what they run")
VS_CHECK (PERSISTENCE_SYSTEMD_TIMER, "persistence.systemd-timer",
          PERSISTENCE, VS_SCOPE_OS, vs_persist_systemd, "persistence",
          "enabled systemd timers")
VS_CHECK (PERSISTENCE_SYSTEMD_GENERATOR, "persistence.systemd-generator",
          PERSISTENCE, VS_SCOPE_OS, vs_persist_systemd, "persistence",
          "systemd generators, run at every boot")
VS_CHECK (PERSISTENCE_RC_LOCAL, "persistence.rc-local", PERSISTENCE,
          VS_SCOPE_OS, vs_persist_rc, "persistence",
          "commands in rc.local")
VS_CHECK (PERSISTENCE_INITD, "persistence.initd", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_initd, "persistence",
          "SysV init scripts and their runlevel links")
VS_CHECK (PERSISTENCE_SHELL_STARTUP, "persistence.shell-startup",
          PERSISTENCE, VS_SCOPE_OS, vs_persist_shell, "persistence",
          "shell start-up files (profile, bashrc) that download, run or "
          "hook commands")
VS_CHECK (PERSISTENCE_LD_PRELOAD, "persistence.ld-preload", PERSISTENCE,
          VS_SCOPE_OS, vs_persist_preload, "persistence",
          "libraries /etc/ld.so.preload loads into every program")
VS_CHECK (PERSISTENCE_LD_SO_CONF, "persistence.ld-so-conf", PERSISTENCE,
          VS_SCOPE_OS, vs_persist_ldconf, "persistence",
          "library folders ld.so.conf adds outside the system ones")
VS_CHECK (PERSISTENCE_PAM, "persistence.pam", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_pam, "persistence",
          "PAM modules and rules that let anyone in")
VS_CHECK (PERSISTENCE_PAM_EXEC, "persistence.pam-exec", PERSISTENCE,
          VS_SCOPE_OS, vs_persist_pam, "persistence",
          "commands PAM runs at log-in (pam_exec)")
VS_CHECK (PERSISTENCE_UDEV, "persistence.udev", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_udev, "persistence", "udev rules that run programs")
VS_CHECK (PERSISTENCE_MOTD, "persistence.motd", PERSISTENCE, VS_SCOPE_OS,
          vs_persist_motd, "persistence",
          "update-motd scripts, run at every log-in")
VS_CHECK (PERSISTENCE_XDG_AUTOSTART, "persistence.xdg-autostart",
          PERSISTENCE, VS_SCOPE_OS, vs_persist_xdg, "persistence",
          "XDG autostart entries of desktop sessions")

VS_CHECK_FAMILY (KERNEL, "check kernel", vs_kernel_begin, vs_kernel_end)
VS_CHECK (PERSISTENCE_KERNEL_MODULE_UNOWNED,
          "persistence.kernel-module-unowned", KERNEL, VS_SCOPE_OS,
          vs_kernel_modules, "persistence",
          "kernel modules (.ko) no package installed, wherever they are")
VS_CHECK (PERSISTENCE_KERNEL_MODULES_LOAD, "persistence.kernel-modules-load",
          KERNEL, VS_SCOPE_OS, vs_kernel_modules_load, "persistence",
          "modules loaded at boot: /etc/modules, modules-load.d, the "
          "initramfs list")
VS_CHECK (PERSISTENCE_MODPROBE, "persistence.modprobe", KERNEL, VS_SCOPE_OS,
          vs_kernel_modprobe, "persistence",
          "modprobe.d install and remove commands, run as root when a "
          "module loads")
VS_CHECK (PERSISTENCE_INITRAMFS, "persistence.initramfs", KERNEL,
          VS_SCOPE_OS, vs_kernel_initramfs, "persistence",
          "initramfs-tools hooks and scripts and dracut modules no package "
          "installed")
VS_CHECK (PERSISTENCE_BOOT_CMDLINE, "persistence.boot-cmdline", KERNEL,
          VS_SCOPE_OS, vs_kernel_cmdline, "persistence",
          "kernel command line parameters in the boot loader configuration "
          "that run programs or turn security off")
VS_CHECK_FAMILY (FIRSTBOOT, "check first-boot agents", NULL, NULL)
VS_CHECK (PERSISTENCE_CLOUD_INIT, "persistence.cloud-init", FIRSTBOOT,
          VS_SCOPE_OS, vs_firstboot_cloud_init, "persistence",
          "what cloud-init would run, write, add or install at first boot: "
          "cloud.cfg, its drop-ins, user-data, vendor-data, seeds and "
          "instance state left in the image")
VS_CHECK (PERSISTENCE_CLOUD_INIT_SCRIPTS, "persistence.cloud-init-scripts",
          FIRSTBOOT, VS_SCOPE_OS, vs_firstboot_cloud_init, "persistence",
          "cloud-init's per-boot, per-instance, per-once, vendor and "
          "instance script folders")
VS_CHECK (PERSISTENCE_FIRSTBOOT_AGENT, "persistence.firstboot-agent",
          FIRSTBOOT, VS_SCOPE_OS, vs_firstboot_agents, "persistence",
          "other first-boot agents: Ignition configs, the Azure and Google "
          "guest agents' settings and provisioning data left in the image")

VS_CHECK_FAMILY (ACCESS, "check access", vs_access_begin, vs_access_end)
VS_CHECK (ACCESS_UID0, "access.uid0", ACCESS, VS_SCOPE_OS,
          vs_access_accounts, "access",
          "accounts other than root with uid 0")
VS_CHECK (ACCESS_EMPTY_PASSWORD, "access.empty-password", ACCESS,
          VS_SCOPE_OS, vs_access_accounts, "access",
          "accounts with an empty password and a login shell")
VS_CHECK (ACCESS_PASSWORD_SET, "access.password-set", ACCESS, VS_SCOPE_OS,
          vs_access_accounts, "access",
          "accounts with a password set in the image")
VS_CHECK (ACCESS_SYSTEM_SHELL, "access.system-shell", ACCESS, VS_SCOPE_OS,
          vs_access_accounts, "access",
          "system accounts with a login shell")
VS_CHECK (ACCESS_DUPLICATE_ACCOUNT, "access.duplicate-account", ACCESS,
          VS_SCOPE_OS, vs_access_accounts, "access",
          "accounts listed twice or sharing a uid")
VS_CHECK (ACCESS_ADMIN_GROUP, "access.admin-group", ACCESS, VS_SCOPE_OS,
          vs_access_accounts, "access",
          "members of the sudo, wheel, admin or root groups, and accounts "
          "whose primary group is root")
VS_CHECK (ACCESS_SSHD_CONFIG, "access.sshd-config", ACCESS, VS_SCOPE_OS,
          vs_access_sshd_keys, "access",
          "sshd settings that widen access (root login, passwords)")
VS_CHECK (ACCESS_AUTHORIZED_KEYS, "access.authorized-keys", ACCESS,
          VS_SCOPE_OS, vs_access_sshd_keys, "access",
          "every key in an authorized_keys file")
VS_CHECK (ACCESS_SUDOERS, "access.sudoers", ACCESS, VS_SCOPE_OS,
          vs_access_sudoers, "access",
          "sudo rules without a password or for unknown users")

VS_CHECK_FAMILY (SUPPLY, "check package sources", vs_supply_begin,
                 vs_supply_end)
VS_CHECK (SUPPLY_APT_SOURCE, "supply.apt-source", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "APT sources that skip signature checks or point outside the "
          "distribution")
VS_CHECK (SUPPLY_APT_CONF, "supply.apt-conf", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "apt.conf settings that turn verification off, and the commands "
          "apt and dpkg hooks run")
VS_CHECK (SUPPLY_KEYRING, "supply.keyring", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "APT and RPM signing keys no package installed, or changed")
VS_CHECK (SUPPLY_RPM_REPO, "supply.rpm-repo", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "yum, dnf and zypper repositories without signature or TLS checks "
          "or outside the distribution")
VS_CHECK (SUPPLY_LANG_INDEX, "supply.lang-index", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "pip, npm and gem package indexes other than the public ones")
VS_CHECK (SUPPLY_PROXY, "supply.proxy", SUPPLY, VS_SCOPE_OS,
          vs_supply_files, "supply",
          "proxies set for apt, yum, dnf, pip and npm")

VS_CHECK_FAMILY (NET, "check name resolution", NULL, NULL)
VS_CHECK (NET_HOSTS, "net.hosts", NET, VS_SCOPE_OS, vs_net_files, "net",
          "/etc/hosts entries for package mirrors, cloud metadata and "
          "well-known domains")
VS_CHECK (NET_RESOLVER, "net.resolver", NET, VS_SCOPE_OS, vs_net_files,
          "net",
          "name servers and NSS modules the image sets up outside its "
          "packages")
VS_CHECK (NET_PROXY, "net.proxy", NET, VS_SCOPE_OS, vs_net_files, "net",
          "system-wide proxy settings (/etc/environment, profile scripts, "
          "wgetrc)")
VS_CHECK (NET_CA_CERT, "net.ca-cert", NET, VS_SCOPE_OS, vs_net_files, "net",
          "CA certificates added to the trust store outside the packages")

VS_CHECK_FAMILY (FILES, "check files", NULL, NULL)
VS_CHECK (MASQUERADING_UNICODE, "masquerading.unicode", FILES,
          VS_SCOPE_OS_FS, vs_files_names, "masquerading",
          "names with bidirectional overrides, invisible or lookalike "
          "characters")
VS_CHECK (MASQUERADING_EXTENSION, "masquerading.extension", FILES,
          VS_SCOPE_OS_FS, vs_files_names, "masquerading",
          "programs named like documents or images")
VS_CHECK (MASQUERADING_TMP, "masquerading.tmp", FILES, VS_SCOPE_OS_FS,
          vs_files_names, "masquerading",
          "programs in /tmp, /var/tmp and /dev/shm")
VS_CHECK (MASQUERADING_HIDDEN, "masquerading.hidden", FILES, VS_SCOPE_OS_FS,
          vs_files_names, "masquerading",
          "programs in hidden folders and folders named to hide")
VS_CHECK (MASQUERADING_KTHREAD, "masquerading.kthread", FILES,
          VS_SCOPE_OS_FS, vs_files_names, "masquerading",
          "programs named like kernel threads")
VS_CHECK (MASQUERADING_SYSTEM_NAME, "masquerading.system-name", FILES,
          VS_SCOPE_OS_FS, vs_files_names, "masquerading",
          "programs named like system daemons outside the system folders")
VS_CHECK (CRYPTOMINER_BINARY, "cryptominer.binary", FILES, VS_SCOPE_OS_FS,
          vs_files_names, "cryptominer",
          "files and folders named like known cryptominers")
VS_CHECK (PERMISSIONS_SUID, "permissions.suid", FILES, VS_SCOPE_OS_FS,
          vs_files_permissions, "permissions", "SUID and SGID programs")
VS_CHECK (PERMISSIONS_CAPABILITIES, "permissions.capabilities", FILES,
          VS_SCOPE_OS_FS, vs_files_permissions, "permissions",
          "programs with file capabilities")
VS_CHECK (PERMISSIONS_WORLD_WRITABLE, "permissions.world-writable", FILES,
          VS_SCOPE_OS_FS, vs_files_permissions, "permissions",
          "world-writable files and folders without the sticky bit")
VS_CHECK (CRYPTOMINER_CONFIG, "cryptominer.config", FILES, VS_SCOPE_OS_FS,
          vs_files_miner_configs, "cryptominer",
          "miner configurations (pools, wallets) and the commands that "
          "start them")

VS_CHECK_FAMILY (SECRETS, "check secrets", NULL, NULL)
VS_CHECK (SECRET_PRIVATE_KEY, "secret.private-key", SECRETS, VS_SCOPE_OS_FS,
          vs_secrets_files, "secret", "private keys left in the image")
VS_CHECK (SECRET_HOST_KEYS, "secret.host-keys", SECRETS, VS_SCOPE_OS_FS,
          vs_secrets_files, "secret",
          "SSH host keys every copy of the image would share")
VS_CHECK (SECRET_CREDENTIALS, "secret.credentials", SECRETS, VS_SCOPE_OS_FS,
          vs_secrets_files, "secret",
          "tokens and passwords in tools' credential files")
VS_CHECK (SECRET_HISTORY, "secret.history", SECRETS, VS_SCOPE_OS_FS,
          vs_secrets_files, "secret",
          "secrets typed into shell and client histories")
VS_CHECK (SECRET_ENV, "secret.env", SECRETS, VS_SCOPE_OS_FS,
          vs_secrets_files, "secret",
          "secrets in environment files and shell start-up files")

VS_CHECK_FAMILY (IOC, "check iocs", NULL, NULL)
VS_CHECK (IOC, "ioc", IOC, VS_SCOPE_OS_FS, NULL, "ioc",
          "(a row, not a check) the IOC checks, skipped without --ioc")
VS_CHECK (IOC_HASH, "ioc.hash", IOC, VS_SCOPE_OS_FS, vs_ioc_files, "ioc",
          "files whose MD5, SHA-1 or SHA-256 an --ioc list names")
VS_CHECK (IOC_PATH, "ioc.path", IOC, VS_SCOPE_OS_FS, vs_ioc_files, "ioc",
          "paths an --ioc list's patterns match")

VS_CHECK_FAMILY (YARA, "check yara", NULL, NULL)
VS_CHECK (YARA, "yara", YARA, VS_SCOPE_IMAGE, vs_yara_matches, "malware",
          "the files YARA rules matched during the walk")

#undef VS_CHECK_FAMILY
#undef VS_CHECK
