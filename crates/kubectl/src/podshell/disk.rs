//! `df` inside a pod: the mounts a containerd pod on a kind node has (the
//! overlay root, `/dev` and `/dev/shm` tmpfs, each volume on the node's disk,
//! the service-account token tmpfs), printed as busybox `coreutils/df.c` or
//! GNU coreutils `df` prints them, with and without `-h`. The node disk is
//! one fixed, plausible size; nothing in the simulation fills it.
//!
//! A volume on its own block device (`Sim::mount_device_bytes`: a
//! PersistentVolume of a provisioner with real size limits, not kind's
//! local-path) shows as `/dev/sdb`, `/dev/sdc`, ... with the sizes a fresh
//! ext4 of the PV's capacity reports ([`ext4`]), so a 10Gi claim reads
//! `9.8G  24K  9.8G  1%` as on a cloud cluster; everything else is on the
//! node's disk.

/// One mounted filesystem, sizes in KiB.
struct Mount {
    source: String,
    target: String,
    size: u64,
    used: u64,
    avail: u64,
}

/// Where the service-account token volume is mounted (a tmpfs, not the node disk).
const TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The node disk: 98G with 12G used.
const DISK: (u64, u64, u64) = (102_626_232, 12_345_678, 85_021_306);
/// A 64M tmpfs.
const SMALL_TMPFS: (u64, u64, u64) = (65_536, 0, 65_536);
/// The projected service-account volume's tmpfs.
const TOKEN_TMPFS: (u64, u64, u64) = (8_000_000, 12, 7_999_988);

fn mount(source: &str, target: &str, (size, used, avail): (u64, u64, u64)) -> Mount {
    Mount {
        source: source.to_string(),
        target: target.to_string(),
        size,
        used,
        avail,
    }
}

/// What `statfs` reports for a fresh ext4 of `bytes` as the kubelet makes
/// it (mount-utils `SafeFormatAndMount`: `mkfs.ext4 -F -m0`, nothing
/// reserved for root; e2fsprogs 1.47 defaults otherwise: `small` below
/// 512 MiB with 1 KiB blocks and an inode per 4 KiB, else 4 KiB blocks and
/// an inode per 16 KiB; 256-byte inodes, 64-bit group descriptors,
/// `resize_inode`, `sparse_super`, the default journal), as (size, used,
/// avail) in KiB: ext4's `statfs` leaves the metadata and the journal out
/// of the size, the fresh root directory, `lost+found` and the resize
/// inode's block are what is used, and the clusters ext4 keeps back for
/// its own metadata (2%, at most 4096) are not available.
fn ext4(bytes: u64) -> (u64, u64, u64) {
    let (block, inode_ratio) = if bytes < 512 << 20 {
        (1024, 4096)
    } else {
        (4096, 16_384)
    };
    let blocks = bytes / block;
    if blocks < 64 {
        return (0, 0, 0);
    }
    let first = u64::from(block == 1024);
    let per_group = block * 8;
    let groups = (blocks - first).div_ceil(per_group);
    let inode_size = 256;
    let per_block = block / inode_size;
    let inodes_per_group = (bytes / inode_ratio)
        .div_ceil(groups)
        .next_multiple_of(8)
        .next_multiple_of(per_block);
    let inode_table = inodes_per_group / per_block;
    let descriptors = (groups * 64).div_ceil(block);
    let growth_groups = (blocks * 1024).min(u64::from(u32::MAX)).div_ceil(per_group);
    let reserved_gdt = (growth_groups.div_ceil(block / 64))
        .saturating_sub(descriptors)
        .min(block / 4);
    let is_power = |mut g: u64, base: u64| {
        while g % base == 0 {
            g /= base;
        }
        g == 1
    };
    let backups = (0..groups)
        .filter(|&g| g <= 1 || is_power(g, 3) || is_power(g, 5) || is_power(g, 7))
        .count() as u64;
    let journal = match blocks {
        b if b < 2048 => 0,
        b if b < 32_768 => 1024,
        b if b < 256 * 1024 => 4096,
        b if b < 512 * 1024 => 8192,
        b if b < 4096 * 1024 => 16_384,
        b if b < 8192 * 1024 => 32_768,
        b if b < 16_384 * 1024 => 65_536,
        b if b < 32_768 * 1024 => 131_072,
        _ => 262_144,
    };
    let overhead =
        first + backups * (1 + descriptors + reserved_gdt) + groups * (2 + inode_table) + journal;
    let size = blocks.saturating_sub(overhead);
    let used = 1 + (16 * 1024) / block + 1;
    let avail = size.saturating_sub(used + (blocks / 50).min(4096));
    let kib = |b: u64| b * block / 1024;
    (kib(size), kib(used), kib(avail))
}

/// The mounts of a container: its volume mount paths, each with the size
/// of the block device behind it (`None`: on the node's disk).
fn mounts(volume_mounts: &[(String, Option<u64>)], busybox: bool) -> Vec<Mount> {
    let mut list = vec![
        mount("overlay", "/", DISK),
        mount("tmpfs", "/dev", SMALL_TMPFS),
        mount("shm", "/dev/shm", SMALL_TMPFS),
    ];
    if volume_mounts.iter().all(|(t, _)| t == TOKEN_PATH) {
        list.push(mount("/dev/sda1", "/etc/hosts", DISK));
    }
    let mut devices = b'b'..=b'z';
    for (target, device) in volume_mounts.iter().filter(|(t, _)| t != TOKEN_PATH) {
        match device.and_then(|bytes| devices.next().map(|d| (bytes, d))) {
            Some((bytes, letter)) => {
                let source = format!("/dev/sd{}", char::from(letter));
                list.push(mount(&source, target, ext4(bytes)));
            }
            None => list.push(mount("/dev/sda1", target, DISK)),
        }
    }
    let token = if busybox {
        TOKEN_PATH
    } else {
        "/run/secrets/kubernetes.io/serviceaccount"
    };
    list.push(mount("tmpfs", token, TOKEN_TMPFS));
    list
}

/// `kib` in the largest of K/M/G/T that keeps it at or above 1 (base 1024).
fn scaled(kib: u64) -> (f64, char) {
    let units = ['K', 'M', 'G', 'T'];
    let mut value = kib as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    (value, units[unit])
}

/// busybox `make_human_readable_str`: one decimal, nearest, `0` for nothing.
fn busybox_human(kib: u64) -> String {
    if kib == 0 {
        return "0".to_string();
    }
    let (value, unit) = scaled(kib);
    format!("{value:.1}{unit}")
}

/// GNU `human_readable` with `-h`: rounded up, one decimal below 10.
fn gnu_human(kib: u64) -> String {
    if kib == 0 {
        return "0".to_string();
    }
    let (value, unit) = scaled(kib);
    if value < 10.0 {
        let tenths = (value * 10.0).ceil() / 10.0;
        if tenths < 10.0 {
            return format!("{tenths:.1}{unit}");
        }
    }
    format!("{}{unit}", value.ceil() as u64)
}

/// Use% as busybox rounds it.
fn busybox_percent(m: &Mount) -> u64 {
    let total = m.used + m.avail;
    (m.used * 100 + total / 2).checked_div(total).unwrap_or(0)
}

/// Use% as GNU df rounds it (up).
fn gnu_percent(m: &Mount) -> u64 {
    let total = m.used + m.avail;
    if total == 0 {
        0
    } else {
        (m.used * 100).div_ceil(total)
    }
}

/// busybox `df [-h]`.
fn busybox(list: &[Mount], human: bool) -> String {
    let units = if human { "     Size" } else { "1K-blocks" };
    let mut text = format!("Filesystem           {units:<15}Used Available Use% Mounted on\n");
    let show = |kib: u64| {
        if human {
            busybox_human(kib)
        } else {
            kib.to_string()
        }
    };
    for m in list {
        text.push_str(&format!(
            "{:<20} {:>9} {:>9} {:>9} {:>3}% {}\n",
            m.source,
            show(m.size),
            show(m.used),
            show(m.avail),
            busybox_percent(m),
            m.target
        ));
    }
    text
}

/// GNU coreutils `df [-h]`: columns as wide as their widest cell.
fn gnu(list: &[Mount], human: bool) -> String {
    let show = |kib: u64| {
        if human {
            gnu_human(kib)
        } else {
            kib.to_string()
        }
    };
    let headers = if human {
        ["Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"]
    } else {
        [
            "Filesystem",
            "1K-blocks",
            "Used",
            "Available",
            "Use%",
            "Mounted on",
        ]
    };
    let rows: Vec<[String; 6]> = list
        .iter()
        .map(|m| {
            [
                m.source.to_string(),
                show(m.size),
                show(m.used),
                show(m.avail),
                format!("{}%", gnu_percent(m)),
                m.target.clone(),
            ]
        })
        .collect();
    let min_widths = [14, 5, 5, 5, 4, 0];
    let mut widths = [0usize; 6];
    for (i, w) in widths.iter_mut().enumerate() {
        *w = rows
            .iter()
            .map(|r| r[i].len())
            .chain([headers[i].len(), min_widths[i]])
            .max()
            .unwrap_or(0);
    }
    let line = |cells: [&str; 6]| {
        format!(
            "{:<w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4]
        )
    };
    let mut text = line(headers);
    for r in &rows {
        text.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
    text
}

/// The output of `df` with `args` in a container with these volume mounts
/// (each with the size of its block device, `None` on the node's disk).
pub(super) fn df(
    volume_mounts: &[(String, Option<u64>)],
    busybox_image: bool,
    args: &[String],
) -> String {
    let human = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('h'));
    let list = mounts(volume_mounts, busybox_image);
    if busybox_image {
        busybox(&list, human)
    } else {
        gnu(&list, human)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busybox_df_h_uses_its_fixed_columns() {
        let text = df(&[], true, &["-h".to_string()]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Filesystem                Size      Used Available Use% Mounted on"
        );
        assert_eq!(
            lines[1],
            "overlay                  97.9G     11.8G     81.1G  13% /"
        );
        assert_eq!(
            lines[2],
            "tmpfs                    64.0M         0     64.0M   0% /dev"
        );
    }

    #[test]
    fn gnu_df_h_sizes_columns_to_fit() {
        let text = df(&[("/data".to_string(), None)], false, &["-h".to_string()]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Filesystem      Size  Used Avail Use% Mounted on");
        assert_eq!(lines[1], "overlay          98G   12G   82G  13% /");
        assert_eq!(lines[4], "/dev/sda1        98G   12G   82G  13% /data");
        assert_eq!(
            lines[5],
            "tmpfs           7.7G   12K  7.7G   1% /run/secrets/kubernetes.io/serviceaccount"
        );
    }

    #[test]
    fn a_claim_on_a_block_device_shows_its_ext4_size() {
        let gib = 1 << 30;
        let text = df(
            &[
                ("/data".to_string(), Some(10 * gib)),
                ("/logs".to_string(), Some(gib)),
            ],
            false,
            &["-h".to_string()],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[4], "/dev/sdb        9.8G   24K  9.8G   1% /data");
        assert_eq!(lines[5], "/dev/sdc        974M   24K  958M   1% /logs");
        let (size, used, avail) = ext4(100 << 20);
        assert!(size < 100 * 1024 && used > 0 && avail < size);
    }
}
