/** Twilio's error for a message to a number that unsubscribed from the sender (https://www.twilio.com/docs/errors/21610). */
export const TWILIO_UNSUBSCRIBED = 21610;
