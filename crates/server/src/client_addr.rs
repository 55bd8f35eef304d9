//! Who a request comes from, for per-client limits. The client is the socket peer,
//! unless the peer is a configured trusted proxy: then it is the address that proxy
//! reports in `X-Forwarded-For` (the rightmost entry that is not itself a trusted
//! proxy, since everything left of it was written by the client). Nobody else's
//! `X-Forwarded-For` is believed. Limits count per [`ClientKey`]: an IPv4 address,
//! or an IPv6 /64 (one subscriber's usual allocation, so rotating through it does
//! not escape a limit).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// An address range, `10.0.0.0/8` or `2001:db8::/32`; a bare address is the range
/// of that address alone. An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is the
/// IPv4 range it maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in this range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = mask_v4(self.prefix);
                u32::from(ip) & mask == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = mask_v6(self.prefix);
                u128::from(ip) & mask == u128::from(net)
            }
            _ => false,
        }
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            _ => (addr, prefix),
        };
        let network = match addr {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask_v4(prefix))),
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask_v6(prefix))),
        };
        Ok(Cidr { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// A comma-separated list of addresses and ranges (`LIANJIE_TRUSTED_PROXIES`);
/// empty entries are skipped, any other entry that does not parse is an error.
pub fn parse_list(s: &str) -> Result<Vec<Cidr>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(Cidr::from_str)
        .collect()
}

/// One `X-Forwarded-For` entry: an address, optionally bracketed (IPv6) or with a
/// port, as some proxies write it.
fn forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<Ipv6Addr>().ok())
                .map(IpAddr::V6)
        })
        .map(|ip| ip.to_canonical())
}

/// The client's address. `peer` is the socket peer; `forwarded` the request's
/// `X-Forwarded-For` header values, in order. Unless the peer is in `trusted`, the
/// header is ignored. From a trusted peer, the entries are read right to left
/// (nearest hop first) and the first one that is not a trusted proxy is the
/// client; if every entry is a trusted proxy, the leftmost is. A header that is
/// absent, or an entry that is not an address on the way, leaves the peer.
pub fn client_address(peer: IpAddr, forwarded: &[&str], trusted: &[Cidr]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut furthest = None;
    let entries = forwarded
        .iter()
        .rev()
        .flat_map(|value| value.rsplit(','))
        .filter(|e| !e.trim().is_empty());
    for entry in entries {
        let Some(ip) = forwarded_entry(entry) else {
            return peer;
        };
        if !is_trusted(ip) {
            return ip;
        }
        furthest = Some(ip);
    }
    furthest.unwrap_or(peer)
}

/// What a per-client limit counts under: an IPv4 address, or the /64 an IPv6
/// address is in (an IPv4-mapped IPv6 address is its IPv4 address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4(Ipv4Addr),
    /// The /64 network, host bits zero.
    V6(Ipv6Addr),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> ClientKey {
        match ip.to_canonical() {
            IpAddr::V4(v4) => ClientKey::V4(v4),
            IpAddr::V6(v6) => ClientKey::V6(Ipv6Addr::from(u128::from(v6) & mask_v6(64))),
        }
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::V4(v4) => write!(f, "{v4}"),
            ClientKey::V6(net) => write!(f, "{net}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(s: &str) -> Vec<Cidr> {
        parse_list(s).unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let net: Cidr = "10.1.2.3/8".parse().unwrap();
        assert_eq!(net.to_string(), "10.0.0.0/8");
        assert!(net.contains(ip("10.200.0.1")));
        assert!(net.contains(ip("::ffff:10.0.0.9")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(!net.contains(ip("::1")));

        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert_eq!(one.to_string(), "192.0.2.7/32");
        assert!(one.contains(ip("192.0.2.7")));
        assert!(!one.contains(ip("192.0.2.8")));

        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("32.1.13.184")));

        let mapped: Cidr = "::ffff:10.0.0.0/104".parse().unwrap();
        assert_eq!(mapped.to_string(), "10.0.0.0/8");
        assert!(mapped.contains(ip("10.9.9.9")));

        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")));
        assert!(!all.contains(ip("::1")));
        let all6: Cidr = "::/0".parse().unwrap();
        assert!(all6.contains(ip("2001:db8::1")));
    }

    #[test]
    fn bad_ranges_are_refused() {
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0/8",
            "host",
            "1.2.3.4/-1",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad:?} parsed");
        }
        assert!(parse_list("127.0.0.1, nope").is_err());
        assert_eq!(parse_list(" 127.0.0.1 , ,10.0.0.0/8,").unwrap().len(), 2);
        assert!(parse_list("").unwrap().is_empty());
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let trusted = nets("10.0.0.1");
        // A stranger cannot name another client.
        assert_eq!(
            client_address(ip("198.51.100.7"), &["203.0.113.5"], &trusted),
            ip("198.51.100.7")
        );
        // With no proxy configured, nobody can.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["203.0.113.5"], &[]),
            ip("10.0.0.1")
        );
        // The trusted proxy can.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // An IPv4-mapped peer is the same proxy.
        assert_eq!(
            client_address(ip("::ffff:10.0.0.1"), &["203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let trusted = nets("10.0.0.0/8, 2001:db8:ffff::/48");
        let peer = ip("10.0.0.1");
        // What the client wrote itself (the left part) is never taken.
        assert_eq!(
            client_address(peer, &["1.1.1.1, 203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // Proxies in a chain are skipped, across header lines too.
        assert_eq!(
            client_address(
                peer,
                &["1.1.1.1, 203.0.113.5, 10.0.0.2", "10.0.0.3"],
                &trusted
            ),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(peer, &["2001:db8::1, 2001:db8:ffff::9"], &trusted),
            ip("2001:db8::1")
        );
        // Only proxies: the furthest of them.
        assert_eq!(
            client_address(peer, &["10.0.0.7, 10.0.0.2"], &trusted),
            ip("10.0.0.7")
        );
        // Ports and brackets as some proxies write them; mapped addresses as IPv4.
        assert_eq!(
            client_address(peer, &["203.0.113.5:4711"], &trusted),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(peer, &["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(peer, &["[2001:db8::1]"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(peer, &["::ffff:203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // Garbage left of the client's entry does not matter.
        assert_eq!(
            client_address(peer, &["unknown, <script>, 203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn a_missing_or_malformed_header_leaves_the_peer() {
        let trusted = nets("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        assert_eq!(client_address(peer, &[], &trusted), peer);
        assert_eq!(client_address(peer, &["", " , "], &trusted), peer);
        assert_eq!(client_address(peer, &["unknown"], &trusted), peer);
        assert_eq!(
            client_address(peer, &["203.0.113.5, nonsense"], &trusted),
            peer
        );
        assert_eq!(
            client_address(peer, &["203.0.113.5 10.0.0.2"], &trusted),
            peer
        );
        assert_eq!(client_address(peer, &["999.1.1.1"], &trusted), peer);
    }

    #[test]
    fn ipv4_is_keyed_per_address_and_ipv6_per_64() {
        let a = ClientKey::from(ip("203.0.113.5"));
        assert_eq!(a, ClientKey::V4("203.0.113.5".parse().unwrap()));
        assert_ne!(a, ClientKey::from(ip("203.0.113.6")));
        // IPv4-mapped IPv6 is the IPv4 address.
        assert_eq!(a, ClientKey::from(ip("::ffff:203.0.113.5")));
        // One /64 is one client, however many addresses it uses.
        let b = ClientKey::from(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assert_eq!(b, ClientKey::from(ip("2001:db8:1:2::1")));
        assert_eq!(b.to_string(), "2001:db8:1:2::/64");
        // The next /64 is another client.
        assert_ne!(b, ClientKey::from(ip("2001:db8:1:3::1")));
        assert_ne!(
            ClientKey::from(ip("::1")),
            ClientKey::from(ip("0.0.0.1")),
            "IPv4-compatible is not IPv4-mapped"
        );
    }
}
