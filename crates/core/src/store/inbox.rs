//! The inbox: conversations as the caller may see them, messages in pages, replies,
//! notes, a customer's messages from every channel and from web chat, and handling
//! (status, snooze, assignee, labels, read).

use super::*;

impl Db {
    pub fn list_conversations(
        &self,
        caller: &Caller,
        q: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> ConversationPage {
        let me = caller.user_id.as_str();
        let text = q
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let mut by_status = StatusCounts::default();
        let mut list: Vec<&Conversation> = self
            .conversations
            .values()
            .filter(|v| self.sees_conversation(caller, v))
            .filter(|v| match q.assignee {
                AssigneeFilter::All => true,
                AssigneeFilter::Mine => v.assignee_id.as_deref() == Some(me),
                AssigneeFilter::Unassigned => v.assignee_id.is_none(),
            })
            .filter(|v| q.channel.is_none_or(|c| v.channel == c))
            .filter(|v| q.label.as_ref().is_none_or(|l| v.labels.contains(l)))
            .filter(|v| {
                text.as_ref().is_none_or(|t| {
                    v.last_preview.to_lowercase().contains(t)
                        || self
                            .contacts
                            .get(&v.contact_id)
                            .is_some_and(|c| c.name.to_lowercase().contains(t))
                })
            })
            // Every tab's count under the other filters, in the same pass.
            .filter(|v| {
                let status = v.status.effective(now);
                by_status.count(status);
                q.status.matches(status)
            })
            .collect();
        list.sort_by(|a, b| q.sort.compare(a, b));
        let unread = list.iter().map(|v| v.unread).sum();
        let mut page = paginate(list, q.cursor.as_deref(), q.limit);
        for v in &mut page.items {
            v.contact_name = self
                .contacts
                .get(&v.contact_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
        }
        ConversationPage {
            page,
            unread,
            by_status,
        }
    }

    pub(super) fn sees_conversation(&self, caller: &Caller, v: &Conversation) -> bool {
        // The owner is looked up only when it matters (lists walk every conversation).
        if caller.sees_whole_inbox() {
            return true;
        }
        let owner = self
            .contacts
            .get(&v.contact_id)
            .and_then(|c| c.owner_id.as_deref());
        caller.sees_conversation(owner, v.assignee_id.as_deref())
    }

    /// A conversation as `caller` may see it; outside their scope it is not found.
    pub fn visible_conversation(&self, caller: &Caller, id: &str) -> StoreResult<&Conversation> {
        self.conversations
            .get(id)
            .filter(|v| self.sees_conversation(caller, v))
            .ok_or(StoreError::NotFound("conversation"))
    }

    pub fn messages_page(
        &self,
        caller: &Caller,
        conversation_id: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> StoreResult<Page<Message>> {
        let all = self
            .messages
            .get(conversation_id)
            .map_or(&[][..], Vec::as_slice);
        self.messages_page_of(caller, conversation_id, all, cursor, limit)
    }

    /// [`Db::messages_page`] over `messages`, the conversation's messages oldest
    /// first as a backend read them from storage before loading the rest.
    pub fn messages_page_of(
        &self,
        caller: &Caller,
        conversation_id: &str,
        messages: &[Message],
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> StoreResult<Page<Message>> {
        self.visible_conversation(caller, conversation_id)?;
        // Newest first, so the first page is what the agent reads first.
        Ok(paginate(messages.iter().rev().collect(), cursor, limit))
    }

    /// Staff reply or note. The same idempotency key twice returns the first message.
    pub fn send_message(
        &mut self,
        caller: &Caller,
        conversation_id: &str,
        new: NewMessage,
        id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.visible_conversation(caller, conversation_id)?;
        let author_id = caller.user_id.as_str();
        validate_message(&new.body, &new.attachments)?;
        let direction = if new.note {
            Direction::Note
        } else {
            Direction::Outbound
        };
        self.append(
            conversation_id,
            direction,
            Some(author_id.to_owned()),
            new.body,
            new.attachments,
            new.idempotency_key,
            id,
            now,
        )
    }

    /// A customer message from a channel: finds or creates the contact (by identity)
    /// and their open conversation on that channel.
    pub fn inbound(
        &mut self,
        channel: Channel,
        msg: InboundMessage,
        ids: [String; 3],
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.inbound_for(channel, msg, ids, None, now)
    }

    /// A customer's message answering a thread of conversation `thread` (email's
    /// `In-Reply-To` naming one of its replies): kept there, whatever address it
    /// came from (a customer's second address, a colleague they copied). Without
    /// such a conversation on `channel`, as [`Db::inbound`].
    pub fn inbound_threaded(
        &mut self,
        channel: Channel,
        thread: &str,
        msg: InboundMessage,
        ids: [String; 3],
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let Some(contact_id) = self
            .conversations
            .get(thread)
            .filter(|v| v.channel == channel)
            .map(|v| v.contact_id.clone())
        else {
            return self.inbound(channel, msg, ids, now);
        };
        validate_message(&msg.body, &msg.attachments)?;
        let [_, _, message_id] = ids;
        self.keep_inbound(thread, &contact_id, msg, message_id, now)
    }

    /// Appends a customer's message to their conversation, and what it says of
    /// them (intent, last seen) to the customer.
    fn keep_inbound(
        &mut self,
        conversation_id: &str,
        contact_id: &str,
        msg: InboundMessage,
        message_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let (_, message) = self.append(
            conversation_id,
            Direction::Inbound,
            None,
            msg.body,
            msg.attachments,
            msg.idempotency_key,
            message_id,
            now,
        )?;
        self.refresh_contact(contact_id, now);
        Ok((self.conversations[conversation_id].clone(), message))
    }

    /// [`Db::inbound`], where a customer not known yet becomes `owner`'s (the rep
    /// whose link they wrote from) rather than waiting unowned.
    pub(super) fn inbound_for(
        &mut self,
        channel: Channel,
        msg: InboundMessage,
        ids: [String; 3],
        owner: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        validate_message(&msg.body, &msg.attachments)?;
        let mut e = FieldErrors::default();
        e.check("handle", crate::validate::required(&msg.handle, 200))
            .check("name", crate::validate::max_len(&msg.name, 80));
        e.into_result()?;
        let [contact_id, conversation_id, message_id] = ids;
        let identity = Identity {
            channel,
            handle: msg.handle.clone(),
        };
        let contact_id = match self.holder_of(&identity) {
            Some(id) => id,
            None => {
                let stage = self.first_stage();
                self.contacts.insert(
                    contact_id.clone(),
                    Contact {
                        id: contact_id.clone(),
                        stage,
                        name: if msg.name.trim().is_empty() {
                            msg.handle.clone()
                        } else {
                            msg.name.clone()
                        },
                        company: String::new(),
                        phone: String::new(),
                        email: if channel == Channel::Email {
                            msg.handle.clone()
                        } else {
                            String::new()
                        },
                        wechat_id: String::new(),
                        identities: vec![identity],
                        owner_id: owner,
                        interests: Default::default(),
                        intent: 0,
                        last_seen_at: Some(now),
                        created_at: now,
                        merged: None,
                        lead_link: None,
                        probably_same_as: None,
                        not_same_as: Vec::new(),
                        ..Default::default()
                    },
                );
                self.note_contact(&contact_id);
                contact_id
            }
        };
        let existing = list(&self.ix().conversations_by_contact, &contact_id)
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .filter(|v| v.channel == channel)
            .max_by_key(|v| v.last_message_at)
            .map(|v| v.id.clone());
        let conversation_id = match existing {
            Some(id) => id,
            None => {
                let intent = self.contacts.get(&contact_id).map_or(0, |c| c.intent);
                if let Some(ix) = self.index.get_mut() {
                    push(
                        &mut ix.conversations_by_contact,
                        &contact_id,
                        &conversation_id,
                    );
                }
                self.conversations.insert(
                    conversation_id.clone(),
                    Conversation {
                        id: conversation_id.clone(),
                        contact_id: contact_id.clone(),
                        channel,
                        status: ConversationStatus::Open,
                        assignee_id: None,
                        labels: vec![],
                        context: msg.context.clone(),
                        last_message_at: now,
                        last_preview: String::new(),
                        unread: 0,
                        intent,
                        contact_name: String::new(),
                        created_at: now,
                        last_inbound_at: None,
                    },
                );
                conversation_id
            }
        };
        self.keep_inbound(&conversation_id, &contact_id, msg, message_id, now)
    }

    /// A customer's message from a card or content page (keyed by its share token):
    /// delivered as web chat with what they were looking at as context.
    /// Changes how a conversation is handled: status (a snooze must end in the
    /// future), assignee (a staff member or nobody), labels, read.
    pub fn update_conversation(
        &mut self,
        caller: &Caller,
        id: &str,
        update: ConversationUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        const MAX_LABELS: usize = 10;
        self.visible_conversation(caller, id)?;
        let mut e = FieldErrors::default();
        if let Some(ConversationStatus::Snoozed { until }) = update.status {
            e.check(
                "status.until",
                if until > now {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        if let Some(Some(user)) = &update.assignee_id {
            e.check(
                "assignee_id",
                if self.users.iter().any(|u| &u.id == user && u.active) {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        if let Some(labels) = &update.labels {
            e.check(
                "labels",
                if labels.len() <= MAX_LABELS
                    && labels
                        .iter()
                        .all(|l| !l.trim().is_empty() && l.chars().count() <= 30)
                {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        e.into_result()?;
        let v = self
            .conversations
            .get_mut(id)
            .ok_or(StoreError::NotFound("conversation"))?;
        if let Some(status) = update.status {
            v.status = status;
        }
        if let Some(assignee) = update.assignee_id {
            v.assignee_id = assignee;
        }
        if let Some(labels) = update.labels {
            v.labels = labels.into_iter().map(|l| l.trim().to_owned()).collect();
        }
        if update.read {
            v.unread = 0;
        }
        let v = v.clone();
        self.touch(Change::Conversation(id.to_owned()));
        self.note_unread(id);
        Ok(v)
    }

    /// The conversations whose snooze has run out by `now`, earliest end first (ties
    /// by id), at most `limit`: those [`Db::wake_snooze`] opens again.
    pub fn run_out_snoozes(&self, now: DateTime<Utc>, limit: usize) -> Vec<String> {
        let mut due: Vec<(DateTime<Utc>, &String)> = self
            .conversations
            .iter()
            .filter_map(|(id, v)| match v.status {
                ConversationStatus::Snoozed { until } if until <= now => Some((until, id)),
                _ => None,
            })
            .collect();
        due.sort_unstable();
        due.into_iter()
            .take(limit)
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// Opens conversation `id` again if its snooze has run out by `now`, as every
    /// read already counts it, so that its stored status says so too (and a list
    /// showing open conversations hears of it). `None` when it is not such a
    /// conversation (any more): the job that calls this reads candidates first.
    pub fn wake_snooze(&mut self, id: &str, now: DateTime<Utc>) -> Option<Conversation> {
        let v = self.conversations.get_mut(id)?;
        if !matches!(v.status, ConversationStatus::Snoozed { until } if until <= now) {
            return None;
        }
        v.status = ConversationStatus::Open;
        let v = v.clone();
        self.touch(Change::Conversation(id.to_owned()));
        Some(v)
    }

    /// What a web-chat visitor (`handle`, random per browser) sees of their
    /// conversation: their messages and staff replies, oldest first, never notes.
    pub fn visitor_messages(&self, token: &str, handle: &str) -> StoreResult<Vec<Message>> {
        let Some(id) = self.visitor_conversation(token, handle)? else {
            return Ok(Vec::new());
        };
        let all = self.messages.get(&id).map_or(&[][..], Vec::as_slice);
        Ok(visitor_view(all.iter().rev()))
    }

    /// The web-chat conversation of the visitor `handle` on link `token`, if they
    /// have written: what [`Db::visitor_messages`] shows the last messages of.
    pub fn visitor_conversation(&self, token: &str, handle: &str) -> StoreResult<Option<String>> {
        if !self.shares.contains_key(token) {
            return Err(StoreError::NotFound("share"));
        }
        let identity = Identity {
            channel: Channel::WebChat,
            handle: handle.to_owned(),
        };
        // By the lookups: visitors poll this, and a walk of every customer grew
        // with them.
        let Some(contact) = self.holding(&identity) else {
            return Ok(None);
        };
        Ok(list(&self.ix().conversations_by_contact, &contact.id)
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .filter(|v| v.channel == Channel::WebChat)
            .max_by_key(|v| v.last_message_at)
            .map(|v| v.id.clone()))
    }

    pub fn web_chat(
        &mut self,
        token: &str,
        msg: InboundMessage,
        ids: [String; 3],
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let share = self
            .shares
            .get(token)
            .ok_or(StoreError::NotFound("share"))?;
        let msg = InboundMessage {
            context: Some(share.target.clone()),
            ..msg
        };
        let owner = Some(share.rep_id.clone());
        self.inbound_for(Channel::WebChat, msg, ids, owner, now)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn append(
        &mut self,
        conversation_id: &str,
        direction: Direction,
        author_id: Option<String>,
        body: String,
        attachments: Vec<crate::inbox::Attachment>,
        key: String,
        id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let delivery = match direction {
            Direction::Outbound => self.new_delivery(conversation_id, now),
            Direction::Inbound | Direction::Note => None,
        };
        // A backend that keeps messages in storage holds those with this key here.
        let messages = self.messages.entry(conversation_id.to_owned()).or_default();
        if let Some(done) = messages.iter().find(|m| m.idempotency_key == key) {
            let done = done.clone();
            return Ok((self.conversations[conversation_id].clone(), done));
        }
        let message = Message {
            id,
            conversation_id: conversation_id.to_owned(),
            direction,
            author_id,
            body,
            attachments,
            created_at: now,
            idempotency_key: key,
            delivery,
        };
        let at = messages.partition_point(|m| m.order() < message.order());
        messages.insert(at, message.clone());
        self.changes.push(Change::Message {
            conversation_id: conversation_id.to_owned(),
            id: message.id.clone(),
        });
        self.changes
            .push(Change::Conversation(conversation_id.to_owned()));
        let v = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(StoreError::NotFound("conversation"))?;
        if direction != Direction::Note {
            v.last_message_at = now;
            v.last_preview = message.body.chars().take(80).collect();
        }
        v.note_message(&message);
        match direction {
            Direction::Inbound => {
                v.unread += 1;
                // A customer writing again wakes a resolved or snoozed conversation.
                v.status = ConversationStatus::Open;
            }
            Direction::Outbound => v.unread = 0,
            Direction::Note => {}
        }
        let v = v.clone();
        self.note_unread(conversation_id);
        Ok((v, message))
    }
}

/// Cursor pagination over an already ordered list: the cursor is the offset, opaque
/// to clients. A malformed cursor restarts from the top rather than failing.
pub fn paginate<T: Clone>(list: Vec<&T>, cursor: Option<&str>, limit: Option<usize>) -> Page<T> {
    let window = page_window(cursor, limit, list.len());
    let items = list[window.clone()].iter().map(|t| (*t).clone()).collect();
    Page::of_window(items, window, list.len())
}

/// Which of `total` items a page shows, for a backend that reads the page alone
/// (by offset and limit) and builds it with [`Page::of_window`].
pub fn page_window(
    cursor: Option<&str>,
    limit: Option<usize>,
    total: usize,
) -> std::ops::Range<usize> {
    let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let start = cursor
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0)
        .min(total);
    start..(start + limit).min(total)
}

/// What a web-chat visitor sees of their conversation, given its messages newest
/// first: the last [`VISITOR_MESSAGES`] they and staff wrote (never staff notes),
/// oldest first, without who on staff wrote them or staff's keys.
pub fn visitor_view<'a>(newest_first: impl Iterator<Item = &'a Message>) -> Vec<Message> {
    let mut seen: Vec<Message> = newest_first
        .filter(|m| m.direction != Direction::Note)
        .take(VISITOR_MESSAGES)
        .map(|m| Message {
            author_id: None,
            delivery: None,
            idempotency_key: if m.direction == Direction::Inbound {
                m.idempotency_key.clone()
            } else {
                String::new()
            },
            ..m.clone()
        })
        .collect();
    seen.reverse();
    seen
}

/// How many of the last messages a web-chat visitor is shown.
pub const VISITOR_MESSAGES: usize = 100;
