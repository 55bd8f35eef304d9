//! WeChat's message encryption ("safe mode", 安全模式), shared by Official Accounts
//! and WeCom: AES-256-CBC under the EncodingAESKey, the first 16 key bytes as IV,
//! PKCS#7 padding to 32-byte blocks, over 16 random bytes, the message's length
//! (4 bytes, big-endian), the message, and the receiver's id (AppID or CorpID).

use aes::Aes256;
use base64::Engine;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

/// WeChat pads to 32 bytes, not AES's 16.
const PAD_BLOCK: usize = 32;

/// Standard base64 that also takes the EncodingAESKey's last character, whose
/// unused bits WeChat's random keys rarely leave zero.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptError {
    #[error("the EncodingAESKey is not 43 letters and digits")]
    BadKey,
    #[error("the encrypted message is not base64 of whole AES blocks")]
    BadCiphertext,
    #[error("the message does not decrypt under this EncodingAESKey")]
    BadPadding,
    #[error("the message is addressed to another account")]
    WrongReceiver,
}

/// One account's key.
pub struct MessageCrypt {
    key: [u8; 32],
}

impl MessageCrypt {
    pub fn new(encoding_aes_key: &str) -> Result<Self, CryptError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptError::BadKey);
        }
        let bytes = LENIENT
            .decode(format!("{encoding_aes_key}="))
            .map_err(|_| CryptError::BadKey)?;
        let key = bytes.try_into().map_err(|_| CryptError::BadKey)?;
        Ok(MessageCrypt { key })
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }

    /// The message inside `encrypted` (the `Encrypt` element, or a URL check's
    /// `echostr`), which must be addressed to `receiver`.
    pub fn decrypt(&self, encrypted: &str, receiver: &str) -> Result<String, CryptError> {
        let mut buf = base64::engine::general_purpose::STANDARD
            .decode(encrypted.trim())
            .map_err(|_| CryptError::BadCiphertext)?;
        if buf.is_empty() || buf.len() % 16 != 0 {
            return Err(CryptError::BadCiphertext);
        }
        let plain = cbc::Decryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .map_err(|_| CryptError::BadCiphertext)?;
        let pad = usize::from(*plain.last().ok_or(CryptError::BadPadding)?);
        if !(1..=PAD_BLOCK).contains(&pad)
            || pad > plain.len()
            || plain[plain.len() - pad..]
                .iter()
                .any(|&b| usize::from(b) != pad)
        {
            return Err(CryptError::BadPadding);
        }
        let content = &plain[..plain.len() - pad];
        let len_bytes: [u8; 4] = content
            .get(16..20)
            .and_then(|b| b.try_into().ok())
            .ok_or(CryptError::BadPadding)?;
        let len =
            usize::try_from(u32::from_be_bytes(len_bytes)).map_err(|_| CryptError::BadPadding)?;
        let message = content.get(20..20 + len).ok_or(CryptError::BadPadding)?;
        if &content[20 + len..] != receiver.as_bytes() {
            return Err(CryptError::WrongReceiver);
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptError::BadPadding)
    }

    /// `message` encrypted for `receiver` with the given 16 random bytes (a passive
    /// reply in safe mode).
    pub fn encrypt(&self, random: [u8; 16], message: &str, receiver: &str) -> String {
        let mut buf = Vec::with_capacity(20 + message.len() + receiver.len() + PAD_BLOCK);
        buf.extend_from_slice(&random);
        // WeChat's messages are far below 4 GiB; a longer one is cut at the limit
        // by the length it declares, never silently wrapped.
        let len = u32::try_from(message.len()).unwrap_or(u32::MAX);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(message.as_bytes());
        buf.extend_from_slice(receiver.as_bytes());
        let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
        // `pad` is 1..=32, so it fits a byte.
        buf.extend(std::iter::repeat_n(pad as u8, pad));
        let len = buf.len();
        let sealed = cbc::Encryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .encrypt_padded_mut::<NoPadding>(&mut buf, len)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        base64::engine::general_purpose::STANDARD.encode(sealed)
    }
}

#[cfg(test)]
mod tests {
    //! Tencent's published sample values (the WeCom callback docs' and the Official
    //! Account cryptoDemo's), so this reads what WeChat's servers really send.
    use super::*;
    use crate::channel_auth::wechat_signature;

    const WECOM_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    const WECOM_CORP: &str = "wx5823bf96d3bd56c7";
    const WECOM_ENCRYPT: &str = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
    const WECOM_PLAIN: &str = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

    /// The Official Account cryptoDemo's key (its last character has unused bits set).
    const OA_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn the_wecom_sample_message_and_url_check_decrypt_and_sign() {
        let c = MessageCrypt::new(WECOM_KEY).unwrap();
        assert_eq!(c.decrypt(WECOM_ENCRYPT, WECOM_CORP).unwrap(), WECOM_PLAIN);
        let sig = wechat_signature(&[
            b"QDG6eK",
            b"1409659813",
            b"1372623149",
            WECOM_ENCRYPT.as_bytes(),
        ]);
        assert_eq!(sig, "477715d11cdb4164915debcba66cb864d751f3e6");
        let echo = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
        assert_eq!(c.decrypt(echo, WECOM_CORP).unwrap(), "1616140317555161061");
        let sig = wechat_signature(&[b"QDG6eK", b"1409659589", b"263014780", echo.as_bytes()]);
        assert_eq!(sig, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
        // Someone else's message, or a changed one, is refused.
        assert_eq!(
            c.decrypt(WECOM_ENCRYPT, "wx0000000000000000"),
            Err(CryptError::WrongReceiver)
        );
        let mut bent = WECOM_ENCRYPT.to_owned();
        bent.replace_range(10..11, if &bent[10..11] == "A" { "B" } else { "A" });
        assert!(c.decrypt(&bent, WECOM_CORP) != Ok(WECOM_PLAIN.to_owned()));
    }

    #[test]
    fn the_official_account_samples_decrypt_and_encrypt_byte_for_byte() {
        let c = MessageCrypt::new(OA_KEY).unwrap();
        let encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
        let plain = c.decrypt(encrypt, "wx2c2769f8efd9abc2").unwrap();
        assert!(
            plain.contains("<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>")
        );
        assert!(plain.contains("<Content><![CDATA[abcdteT]]></Content>"));
        let sig = wechat_signature(&[
            b"spamtest",
            b"1409735669",
            b"1320562132",
            encrypt.as_bytes(),
        ]);
        assert_eq!(sig, "5d197aaffba7e9b25a30732f161a50dee96bd5fa");
        // The Java demo's fixed random bytes give its published ciphertext.
        let sealed = c.encrypt(
            *b"aaaabbbbccccdddd",
            "我是中文abcd123",
            "wxb11529c136998cb6",
        );
        assert_eq!(
            sealed,
            "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
        );
        assert_eq!(
            c.decrypt(&sealed, "wxb11529c136998cb6").unwrap(),
            "我是中文abcd123"
        );
    }

    #[test]
    fn malformed_keys_and_ciphertexts_are_errors_not_panics() {
        assert!(MessageCrypt::new("short").is_err());
        assert!(MessageCrypt::new(&"!".repeat(43)).is_err());
        let c = MessageCrypt::new(OA_KEY).unwrap();
        for bad in ["", "not base64!", "AAAA", &"A".repeat(43)] {
            assert!(c.decrypt(bad, "wx").is_err(), "{bad}");
        }
        // Whole blocks of zeros decrypt to garbage padding: refused.
        let zeros = base64::engine::general_purpose::STANDARD.encode([0u8; 64]);
        assert!(c.decrypt(&zeros, "wx").is_err());
    }
}
