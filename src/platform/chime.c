/* chime — see chime.h.  SDL's queued audio (SDL_QueueAudio) on a device opened for the
 * one tone; the audio subsystem is started on first use and stopped with the device. */
#include "platform/chime.h"

#include <SDL.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NOTE_MS 420           /* each of the two notes */
#define TONE_MS (2 * NOTE_MS)
#define CHIME_MAX_MS 5000     /* a device that never drains is closed after this */

struct chime {
    SDL_AudioDeviceID dev;
    Uint64 opened;            /* SDL_GetTicks64() */
};

size_t chime_tone(int16_t *out, size_t max, int rate)
{
    /* 叮 E5 then 咚 C5, each struck and fading, with a soft start so nothing clicks. */
    static const double notes[2] = {659.25, 523.25};
    size_t per = (size_t)rate * NOTE_MS / 1000, n = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < per && n < max; i++, n++) {
            double t = (double)i / rate;
            double attack = i < (size_t)rate / 200 ? (double)i / (rate / 200.0) : 1.0;
            double env = attack * exp(-t * 6.0);
            double v = sin(2 * M_PI * notes[k] * t) + 0.25 * sin(4 * M_PI * notes[k] * t);
            out[n] = (int16_t)lrint(v / 1.25 * env * 0.6 * 32767);
        }
    return n;
}

struct chime *chime_play(void)
{
    if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) < 0) {
        fprintf(stderr, "chime: no audio: %s\n", SDL_GetError());
        return NULL;
    }
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = CHIME_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    SDL_AudioDeviceID dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (dev == 0) {
        fprintf(stderr, "chime: no audio device: %s\n", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return NULL;
    }
    size_t max = (size_t)CHIME_RATE * TONE_MS / 1000;
    int16_t *pcm = malloc(max * sizeof *pcm);
    if (!pcm)
        abort();
    size_t n = chime_tone(pcm, max, CHIME_RATE);
    int rc = SDL_QueueAudio(dev, pcm, (Uint32)(n * sizeof *pcm));
    free(pcm);
    if (rc < 0) {
        fprintf(stderr, "chime: cannot play: %s\n", SDL_GetError());
        SDL_CloseAudioDevice(dev);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return NULL;
    }
    SDL_PauseAudioDevice(dev, 0);
    struct chime *c = malloc(sizeof *c);
    if (!c)
        abort();
    c->dev = dev;
    c->opened = SDL_GetTicks64();
    return c;
}

int chime_done(struct chime *c)
{
    if (!c)
        return 1;
    /* Real time, not the app's clock: SDL plays in real time, also in script mode. */
    Uint64 age = SDL_GetTicks64() - c->opened;
    /* The queue empties when its last block goes to the device: the tone's length has
     * to pass too, or closing would cut its tail. */
    return (SDL_GetQueuedAudioSize(c->dev) == 0 && age > TONE_MS + 100) ||
           SDL_GetAudioDeviceStatus(c->dev) == SDL_AUDIO_STOPPED || age > CHIME_MAX_MS;
}

void chime_close(struct chime *c)
{
    if (!c)
        return;
    SDL_CloseAudioDevice(c->dev);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(c);
}
